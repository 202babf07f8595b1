import { createPinia, setActivePinia } from 'pinia';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Annotation } from '../components/copy/copy-domain.js';
import type { CopyOp } from '../components/copy/copy-ops.js';
import { useCorrectionStore, type WorkspaceCopy } from './correction.js';
import { useSaveQueueStore, type SendOp } from './save-queue.js';

const stores: Array<ReturnType<typeof useSaveQueueStore>> = [];
beforeEach(() => {
  localStorage.clear();
  vi.useFakeTimers();
});
afterEach(() => {
  stores.splice(0).forEach((queue) => queue.dispose());
  vi.useRealTimers();
});

describe('the correction workspace store', () => {
  it('shows a change at once, before the server has answered', async () => {
    const server = holdingServer();
    const workspace = openWorkspace(server.send);
    expect(workspace.addAnnotation(tick('a1'))).toBe(true);
    expect(workspace.copy!.annotations.map((a) => a.annotationId)).toEqual(['a1']);
    expect(server.received).toEqual([{ type: 'addAnnotation', annotation: tick('a1') }]);
    expect(workspace.saveState).toEqual({ status: 'saving', pending: 1 });
    server.answer();
    await vi.advanceTimersByTimeAsync(0);
    expect(workspace.saveState).toEqual({ status: 'saved', pending: 0 });
  });

  it('records scores on the step of their question, as the server will', () => {
    const server = holdingServer();
    const workspace = openWorkspace(server.send);
    workspace.awardScore('q1', 1.3);
    workspace.awardScore('q2', 9);
    expect(workspace.copy!.scores).toEqual({ q1: 1.25, q2: 3 });
    expect(workspace.total).toBe(4.25);
  });

  it('undoes on screen what the server refuses for good, and only that', async () => {
    const refused = Object.assign(new Error('a box must have an area inside the page'), { extensions: { code: 'BAD_USER_INPUT' } });
    const send = vi.fn<SendOp>(async (_copyId, op) => {
      if (op.type === 'addAnnotation' && op.annotation.annotationId === 'bad') throw refused;
    });
    const workspace = openWorkspace(send, { scores: { q1: 2 } });
    workspace.awardScore('q1', 1);
    workspace.addAnnotation(tick('bad'));
    workspace.addAnnotation(tick('good'));
    await vi.advanceTimersByTimeAsync(0);
    expect(workspace.copy!.annotations.map((a) => a.annotationId)).toEqual(['good']);
    expect(workspace.copy!.scores).toEqual({ q1: 1 });
    expect(workspace.saveState).toMatchObject({ status: 'error', code: 'BAD_USER_INPUT', pending: 1 });
    await workspace.resumeSaving();
    expect(send).toHaveBeenLastCalledWith(COPY.copyId, { type: 'addAnnotation', annotation: tick('good') });
    expect(workspace.saveState.status).toBe('saved');
  });

  it('puts back a removed annotation and the previous remark when they are refused', async () => {
    const forbidden = Object.assign(new Error('lock it first'), { extensions: { code: 'FORBIDDEN' } });
    const workspace = openWorkspace(vi.fn<SendOp>().mockRejectedValue(forbidden), {
      annotations: [tick('a1'), tick('a2')],
      remarks: { q1: 'avant' },
    });
    workspace.removeAnnotation('a1');
    workspace.writeRemark('q1', 'après');
    workspace.writeRemark('q1', 'après, encore');
    await vi.advanceTimersByTimeAsync(0);
    expect(workspace.copy!.annotations.map((a) => a.annotationId)).toEqual(['a2']); // kept while the queue waits for the lock
    workspace.discardPending();
    expect(workspace.copy!.annotations.map((a) => a.annotationId)).toEqual(['a1', 'a2']);
    expect(workspace.copy!.remarks).toEqual({ q1: 'avant' });
  });

  it('changes nothing while the lock is not held', () => {
    const server = holdingServer();
    const workspace = openWorkspace(server.send);
    workspace.lockHeld = false;
    expect(workspace.addAnnotation(tick('a1'))).toBe(false);
    expect(workspace.awardScore('q1', 1)).toBe(false);
    expect(workspace.copy!.annotations).toEqual([]);
    expect(server.received).toEqual([]);
  });

  it('after a reload, shows the server copy with the unsent changes on top, then sends them', async () => {
    const first = openWorkspace(() => new Promise(() => {}));
    first.addAnnotation(tick('a1'));
    first.awardScore('q2', 2);

    const server = holdingServer();
    const reloaded = openWorkspace(server.send); // the server never got them
    expect(reloaded.copy!.annotations.map((a) => a.annotationId)).toEqual(['a1']);
    expect(reloaded.copy!.scores).toEqual({ q2: 2 });
    await server.answerAll();
    expect(server.received.map((op) => op.type)).toEqual(['addAnnotation', 'awardScore']);
    expect(reloaded.saveState.status).toBe('saved');
  });

  it('finalises after the changes before it, then turns read-only with the total', async () => {
    const server = holdingServer();
    const workspace = openWorkspace(server.send);
    workspace.awardScore('q1', 2);
    workspace.awardScore('q2', 1.5);
    workspace.finalize();
    expect(workspace.readOnly).toBe(true);
    expect(workspace.addAnnotation(tick('late'))).toBe(false);
    await server.answerAll();
    expect(server.received.map((op) => op.type)).toEqual(['awardScore', 'awardScore', 'finalizeCopy']);
    expect(workspace.copy!.finalised).toEqual({ total: 3.5, max: 5 });
  });
});

// Fixtures -----------------------------------------------------------------------------------------

const COPY: WorkspaceCopy = {
  copyId: '4f1c2d3e-0000-4000-8000-000000000001',
  examId: 'exam-1',
  anonymousCode: 'K7-042',
  pages: [{ pageId: 'p1', url: '/api/files/pages/p1.png' }],
  annotations: [],
  scores: {},
  remarks: {},
  appreciation: '',
  scale: [
    { questionId: 'q1', label: 'Question 1', maxPoints: 2, step: 0.25 },
    { questionId: 'q2', label: 'Question 2', maxPoints: 3, step: 0.5 },
  ],
  finalised: null,
};

const tick = (annotationId: string): Annotation => ({ annotationId, pageId: 'p1', kind: 'tick', x: 0.5, y: 0.5 });

/** A new page: fresh Pinia, the queue on the shared localStorage, the copy loaded and its lock held. */
const openWorkspace = (send: SendOp, server: Partial<WorkspaceCopy> = {}) => {
  setActivePinia(createPinia());
  const queue = useSaveQueueStore();
  queue.configure({ send, owner: 'teacher-1', backoff: () => 1000 });
  stores.push(queue);
  const workspace = useCorrectionStore();
  workspace.load({ ...COPY, ...server });
  workspace.lockHeld = true;
  return workspace;
};

const holdingServer = () => {
  const received: CopyOp[] = [];
  const waiting: Array<() => void> = [];
  const send: SendOp = (_copyId, op) => {
    received.push(op);
    return new Promise((resolve) => waiting.push(() => resolve({})));
  };
  const answerAll = async (): Promise<void> => {
    for (let round = 0; round < 20; round++) {
      waiting.splice(0).forEach((answer) => answer());
      await vi.advanceTimersByTimeAsync(0);
    }
  };
  const answer = (): void => waiting.splice(0).forEach((reply) => reply());
  return { send, received, answer, answerAll };
};
