import type { GradingQuestion } from '@/components/copy/copy-domain';
import type { CopyOp } from '@/components/copy/copy-ops';
import { annotationsFromApi, annotationToInput } from '@/components/results/annotation-mapping';
import type { GraphQLClient } from '@/graphql/client';
import { ApiError } from '@/graphql/errors';
import {
  AddAnnotationDocument,
  AwardScoreDocument,
  EditAnnotationDocument,
  FinalizeCopyDocument,
  RemoveAnnotationDocument,
  WriteAppreciationDocument,
  WriteRemarkDocument,
  type CopyLockFieldsFragment,
  type CorrectionCopyFieldsFragment,
  type TeacherExamQuery,
} from '@/graphql/generated';
import type { LockLease } from '@/composables/use-copy-lock';
import type { WorkspaceCopy } from '@/stores/correction';

/**
 * The save queue's transport: each CopyOp is the mutation of the same name, with the copy id beside
 * it. A failure is rethrown with a `code` the queue classifies (copy-ops.ts); the API's unexpected
 * errors become a server error the queue retries, since every op is safe to send twice.
 */
export const sendCopyOp =
  (client: Pick<GraphQLClient, 'request'>) =>
  async (copyId: string, op: CopyOp): Promise<unknown> => {
    try {
      return await send(client, copyId, op);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'INTERNAL') throw new ApiError('UNAVAILABLE', error.serverMessage, error.details);
      throw error;
    }
  };

const send = (client: Pick<GraphQLClient, 'request'>, copyId: string, op: CopyOp): Promise<unknown> => {
  switch (op.type) {
    case 'addAnnotation':
      return client.request(AddAnnotationDocument, { copyId, annotation: annotationToInput(op.annotation) });
    case 'editAnnotation':
      return client.request(EditAnnotationDocument, { copyId, annotation: annotationToInput(op.annotation) });
    case 'removeAnnotation':
      return client.request(RemoveAnnotationDocument, { copyId, annotationId: op.annotationId });
    case 'awardScore':
      return client.request(AwardScoreDocument, { copyId, questionId: op.questionId, points: op.points });
    case 'writeRemark':
      return client.request(WriteRemarkDocument, { copyId, questionId: op.questionId, text: op.text });
    case 'writeAppreciation':
      return client.request(WriteAppreciationDocument, { copyId, text: op.text });
    case 'finalizeCopy':
      return client.request(FinalizeCopyDocument, { copyId });
  }
};

type ApiQuestion = TeacherExamQuery['exam']['scale'][number];
type Question = Omit<ApiQuestion, 'children'> & { children?: readonly Question[] | null };

/** The scale as the domain types it: a leaf has no `children` at all (GraphQL sends null). */
export const scaleFromApi = (questions: readonly Question[]): GradingQuestion[] =>
  questions.map(({ children, ...question }) => ({
    ...question,
    step: question.step as GradingQuestion['step'],
    ...(children && children.length > 0 ? { children: scaleFromApi(children) } : {}),
  }));

/** The copy as the workspace store keeps it; a page without an image still has its place. */
export const workspaceCopyFromApi = (copy: CorrectionCopyFieldsFragment, scale: readonly GradingQuestion[]): WorkspaceCopy => ({
  copyId: copy.copyId,
  examId: copy.examId,
  anonymousCode: copy.anonymousCode,
  pages: [...copy.pages].sort((a, b) => a.position - b.position).map((page) => ({ pageId: page.pageId, url: page.imageUrl ?? '' })),
  annotations: annotationsFromApi(copy.annotations),
  scores: Object.fromEntries(copy.scores.map((score) => [score.questionId, score.points])),
  remarks: Object.fromEntries(copy.remarks.map((remark) => [remark.questionId, remark.text])),
  appreciation: copy.appreciation,
  scale: [...scale],
  finalised: copy.status === 'FINALISED' ? { total: copy.total, max: copy.max ?? 0 } : null,
  reopened: copy.reopened ?? null,
});

/** The lock of a mutation's answer as useCopyLock reads it; a missing lock is the lease lost. */
export const leaseOf = (lock: CopyLockFieldsFragment | null | undefined): LockLease => {
  if (!lock) throw new ApiError('CONFLICT', '');
  return { holderId: lock.holderId, holderName: lock.holderName, until: lock.until, secondsLeft: lock.secondsLeft };
};
