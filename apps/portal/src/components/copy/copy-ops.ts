import type { Annotation } from './copy-domain.js';

/**
 * One change of a copy, as the save queue sends it: each maps to one GraphQL mutation of the same name
 * (the copy id travels beside it). Every op is safe to send twice: annotations carry their client-made
 * id, and the server records nothing when a score, remark or appreciation already has the value sent.
 */
export type CopyOp =
  | Readonly<{ type: 'addAnnotation'; annotation: Annotation }>
  | Readonly<{ type: 'editAnnotation'; annotation: Annotation }>
  | Readonly<{ type: 'removeAnnotation'; annotationId: string }>
  | Readonly<{ type: 'awardScore'; questionId: string; points: number }>
  | Readonly<{ type: 'writeRemark'; questionId: string; text: string }>
  | Readonly<{ type: 'writeAppreciation'; text: string }>
  | Readonly<{ type: 'finalizeCopy' }>;

/**
 * Ops that only set a value can replace a waiting op of the same key: typing a remark offline queues
 * its last text, not every pause of the typist.
 */
export const coalesceKey = (op: CopyOp): string | undefined => {
  switch (op.type) {
    case 'awardScore':
    case 'writeRemark':
      return `${op.type}:${op.questionId}`;
    case 'writeAppreciation':
      return op.type;
    default:
      return undefined;
  }
};

/**
 * What a failed send means for the queue:
 * - transient: the network or the server is away; the same op is sent again later, unchanged;
 * - done: the server already has it (a removal retried after it succeeded answers NOT_FOUND);
 * - refused: this op can never succeed (bad input, unknown question): dropped and rolled back;
 * - blocked: nothing can be saved until the corrector acts (lock lost, copy finalised, session
 *   expired): the op stays first in line and the queue stops until told to go on.
 */
export type SendFailure =
  | Readonly<{ kind: 'transient'; code: string | undefined; message: string }>
  | Readonly<{ kind: 'done' }>
  | Readonly<{ kind: 'refused' | 'blocked'; code: string; message: string }>;

const TRANSIENT = new Set(['UNAVAILABLE', 'INTERNAL_SERVER_ERROR', 'TIMEOUT', 'NETWORK', 'TOO_MANY_REQUESTS']);
const BLOCKING = new Set(['FORBIDDEN', 'CONFLICT', 'UNAUTHENTICATED']);

/** The error code of what a transport threw: `code`, GraphQL `extensions.code`, or the first of `errors`. */
export const errorCode = (error: unknown): string | undefined => {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { code?: unknown; extensions?: { code?: unknown }; errors?: ReadonlyArray<{ extensions?: { code?: unknown } }> };
  const code = record.code ?? record.extensions?.code ?? record.errors?.[0]?.extensions?.code;
  return typeof code === 'string' ? code : undefined;
};

export const classifyFailure = (error: unknown, op: CopyOp): SendFailure => {
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === undefined || TRANSIENT.has(code)) return { kind: 'transient', code, message };
  if (code === 'NOT_FOUND' && op.type === 'removeAnnotation') return { kind: 'done' };
  return { kind: BLOCKING.has(code) ? 'blocked' : 'refused', code, message };
};
