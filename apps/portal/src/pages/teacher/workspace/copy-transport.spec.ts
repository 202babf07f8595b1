import { describe, expect, it, vi } from 'vitest';
import type { Annotation } from '@/components/copy/copy-domain';
import { classifyFailure, type CopyOp } from '@/components/copy/copy-ops';
import { annotationFromApi, annotationToInput } from '@/components/results/annotation-mapping';
import { createClient } from '@/graphql/client';
import { ApiError } from '@/graphql/errors';
import type { AnnotationViewFieldsFragment, CorrectionCopyFieldsFragment } from '@/graphql/generated';
import { scaleFromApi, sendCopyOp, workspaceCopyFromApi } from './copy-transport';

describe('the save queue transport', () => {
  it.each<[CopyOp, string, Record<string, unknown>]>([
    [{ type: 'addAnnotation', annotation: pen() }, 'AddAnnotation', { copyId: COPY, annotation: { ...penInput() } }],
    [{ type: 'editAnnotation', annotation: comment() }, 'EditAnnotation', { copyId: COPY, annotation: commentInput() }],
    [{ type: 'removeAnnotation', annotationId: ID }, 'RemoveAnnotation', { copyId: COPY, annotationId: ID }],
    [{ type: 'awardScore', questionId: 'q1', points: 2.5 }, 'AwardScore', { copyId: COPY, questionId: 'q1', points: 2.5 }],
    [{ type: 'writeRemark', questionId: 'q1', text: 'Justifier.' }, 'WriteRemark', { copyId: COPY, questionId: 'q1', text: 'Justifier.' }],
    [{ type: 'writeAppreciation', text: 'Bon travail.' }, 'WriteAppreciation', { copyId: COPY, text: 'Bon travail.' }],
    [{ type: 'finalizeCopy' }, 'FinalizeCopy', { copyId: COPY }],
  ])('sends %j as the mutation of the same name', async (op, mutation, variables) => {
    const server = recordingServer();
    await sendCopyOp(server.client)(COPY, op);
    expect(server.sent).toEqual([{ mutation, variables }]);
  });

  it('rethrows a refusal with its code, for the queue to stop on it', async () => {
    const server = recordingServer({ errors: [{ message: 'locked by another', extensions: { code: 'CONFLICT' } }] });
    const failure = await sendCopyOp(server.client)(COPY, { type: 'finalizeCopy' }).catch((error: unknown) => error);
    expect(classifyFailure(failure, { type: 'finalizeCopy' })).toMatchObject({ kind: 'blocked', code: 'CONFLICT' });
  });

  it('makes an unexpected server error one the queue retries rather than drops', async () => {
    const server = recordingServer({ errors: [{ message: 'boom', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    const failure = await sendCopyOp(server.client)(COPY, { type: 'awardScore', questionId: 'q1', points: 1 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ApiError);
    expect(classifyFailure(failure, { type: 'awardScore', questionId: 'q1', points: 1 }).kind).toBe('transient');
  });
});

describe('annotations between the API and the domain', () => {
  it('writes the kind in capitals and only the fields of that kind', () => {
    expect(annotationToInput(pen())).toEqual(penInput());
    expect(annotationToInput({ annotationId: ID, pageId: PAGE, kind: 'tick', x: 0.5, y: 0.25 })).toEqual({
      annotationId: ID,
      pageId: PAGE,
      kind: 'TICK',
      x: 0.5,
      y: 0.25,
    });
  });

  it('reads an annotation back in the exact shape the workspace drew, nulls dropped', () => {
    for (const drawn of [pen(), comment(), box(), { annotationId: ID, pageId: PAGE, kind: 'cross', x: 0.1, y: 0.2 } as Annotation]) {
      const read = annotationFromApi(fromInput(annotationToInput(drawn)));
      expect(JSON.stringify(read)).toBe(JSON.stringify(drawn));
    }
  });

  it('skips a row that cannot be drawn instead of failing the whole copy', () => {
    expect(annotationFromApi({ ...fromInput(penInput()), points: [] })).toBeNull();
    expect(annotationFromApi({ ...fromInput(commentInput()), text: null })).toBeNull();
  });
});

describe('the copy as the workspace keeps it', () => {
  it('puts pages in reading order and scores, remarks and the final total in place', () => {
    const copy = workspaceCopyFromApi(apiCopy(), scaleFromApi([question('q1'), { ...question('g'), children: [question('g1')] }]));
    expect(copy.pages.map((page) => page.pageId)).toEqual(['p-first', 'p-second']);
    expect(copy.pages[1]!.url).toBe('');
    expect(copy.scores).toEqual({ q1: 2 });
    expect(copy.remarks).toEqual({ q1: 'Bien.' });
    expect(copy.finalised).toEqual({ total: 2, max: 4 });
    expect(copy.scale[0]).not.toHaveProperty('children');
    expect(copy.scale[1]!.children?.map((q) => q.questionId)).toEqual(['g1']);
  });
});

const COPY = '11111111-1111-4111-8111-111111111111';
const ID = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const PAGE = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

const pen = (): Annotation => ({
  annotationId: ID,
  pageId: PAGE,
  kind: 'pen',
  points: [
    [0.1, 0.2],
    [0.3, 0.4],
  ],
  strokeWidth: 0.002,
  color: '#d32f2f',
});
const penInput = () => ({
  annotationId: ID,
  pageId: PAGE,
  kind: 'PEN',
  points: [
    [0.1, 0.2],
    [0.3, 0.4],
  ],
  strokeWidth: 0.002,
  color: '#d32f2f',
});
const comment = (): Annotation => ({ annotationId: ID, pageId: PAGE, kind: 'comment', x: 0.5, y: 0.5, text: 'Unité ?' });
const commentInput = () => ({ annotationId: ID, pageId: PAGE, kind: 'COMMENT', x: 0.5, y: 0.5, text: 'Unité ?' });
const box = (): Annotation => ({ annotationId: ID, pageId: PAGE, kind: 'box', x: 0.1, y: 0.1, w: 0.2, h: 0.05 });

/** What the API answers for an annotation: every field of the flat GraphQL type, null when unused. */
const fromInput = (input: Record<string, unknown>): AnnotationViewFieldsFragment => ({
  points: null,
  strokeWidth: null,
  color: null,
  x: null,
  y: null,
  w: null,
  h: null,
  text: null,
  ...(input as Pick<AnnotationViewFieldsFragment, 'annotationId' | 'pageId' | 'kind'>),
});

const question = (questionId: string) => ({ questionId, label: questionId, maxPoints: 2, step: 0.5, children: null });

const apiCopy = (): CorrectionCopyFieldsFragment => ({
  copyId: COPY,
  examId: 'e1',
  anonymousCode: 'B7-K2',
  status: 'FINALISED',
  total: 2,
  max: 4,
  finalisedAt: '2025-03-01T10:00:00.000Z',
  revision: '12',
  appreciation: '',
  pages: [
    { pageId: 'p-second', position: 1, imageUrl: null },
    { pageId: 'p-first', position: 0, imageUrl: '/api/files/pages/p-first' },
  ],
  annotations: [],
  scores: [{ questionId: 'q1', points: 2 }],
  remarks: [{ questionId: 'q1', text: 'Bien.' }],
  lock: null,
  reopened: null,
});

/** A client whose fetch records each mutation's name and variables and answers `answer`. */
const recordingServer = (answer: unknown = { data: { ok: { copyId: COPY } } }) => {
  const sent: { mutation: string; variables: unknown }[] = [];
  const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as { query: string; variables: unknown };
    sent.push({ mutation: /mutation (\w+)/.exec(body.query)?.[1] ?? '?', variables: body.variables });
    return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
  });
  return { client: createClient({ fetch: fetch as typeof globalThis.fetch, csrfToken: () => 'token' }), sent };
};
