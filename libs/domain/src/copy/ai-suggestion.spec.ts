import type { CommandMetadata, Role } from '../shared/event.js';
import { addMinutes } from '../shared/time.js';
import { given } from '../testing/given.js';
import type { CopyCommand } from './copy.commands.js';
import { copyDecider } from './copy.decider.js';
import type { CopyEvent } from './copy.events.js';
import type { GradingScaleSnapshot } from './grading.js';

const COPY = '0b6f3c1e-4a77-4d2a-9a51-6f0c2d9e1a01';
const EXAM = 'e3c1d2a0-58f4-4b8e-8f0e-1c2b3a4d5e6f';
const CORRECTOR = 'teacher-1';
const OTHER = 'teacher-2';
const REQUEST = 'req-1';
const T0 = '2025-03-10T08:00:00.000Z';
const SCALE: GradingScaleSnapshot = {
  version: 2,
  questions: [
    { questionId: 'q1', maxPoints: 4, step: 0.5 },
    { questionId: 'q2', maxPoints: 6, step: 1 },
  ],
};

describe('asking for AI suggestions', () => {
  it('is recorded for the lock holder, with the exam and the model', () =>
    given(copyDecider, holding())
      .when(cmd('RequestAiSuggestion', { requestId: REQUEST, model: 'local-vision' }))
      .then([requested()]));

  it('is refused to a corrector who does not hold the lock, in French: the teacher reads it', () =>
    given(copyDecider, [imported(), assigned()])
      .when(cmd('RequestAiSuggestion', { requestId: REQUEST, model: 'local-vision' }))
      .thenThrows('FORBIDDEN', /^Vous n’avez pas la main sur cette copie/));

  it('is refused once the lease ran out, saying to take the copy again', () =>
    given(copyDecider, holding())
      .when(cmd('RequestAiSuggestion', { requestId: REQUEST, model: 'm' }, { ...as(CORRECTOR), now: addMinutes(T0, 31) }))
      .thenThrows('CONFLICT', /^Votre bail sur cette copie a expiré/));

  it('is refused outside the corrector’s lot', () =>
    given(copyDecider, holding())
      .when(cmd('RequestAiSuggestion', { requestId: REQUEST, model: 'm' }, as(OTHER)))
      .thenThrows('FORBIDDEN'));

  it('is refused while another request is pending, and harmless when repeated', () => {
    given(copyDecider, [...holding(), requested()])
      .when(cmd('RequestAiSuggestion', { requestId: 'req-2', model: 'm' }))
      .thenThrows('ILLEGAL_STATE', /déjà en cours/);
    given(copyDecider, [...holding(), requested()])
      .when(cmd('RequestAiSuggestion', { requestId: REQUEST, model: 'm' }))
      .then([]);
  });

  it('may be asked again once the previous one failed', () =>
    given(copyDecider, [...holding(), requested(), failed()])
      .when(cmd('RequestAiSuggestion', { requestId: 'req-2', model: 'local-vision' }))
      .then([{ ...requested(), data: { ...requested().data, requestId: 'req-2' } } as CopyEvent]));
});

describe('recording the outcome', () => {
  it('records checked suggestions with the figures of the call', () =>
    given(copyDecider, [...holding(), requested()])
      .when(cmd('RecordAiSuggestion', outcome(), system()))
      .then([produced()]));

  it('refuses suggestions off the scale: nothing is clamped', () =>
    given(copyDecider, [...holding(), requested()])
      .when(cmd('RecordAiSuggestion', { ...outcome(), suggestions: [suggestion('q1', 4.5), suggestion('q2', 3)] }, system()))
      .thenThrows('VALIDATION', /q1/));

  it('takes an outcome from the system only', () =>
    given(copyDecider, [...holding(), requested()])
      .when(cmd('RecordAiSuggestion', outcome()))
      .thenThrows('FORBIDDEN'));

  it('records a failure with its reason', () =>
    given(copyDecider, [...holding(), requested()])
      .when(cmd('RecordAiSuggestionFailure', failure(), system()))
      .then([failed()]));

  it('records one outcome per request: a second is a harmless no-op', () => {
    given(copyDecider, [...holding(), requested(), failed()])
      .when(cmd('RecordAiSuggestion', outcome(), system()))
      .then([]);
    given(copyDecider, [...holding(), requested(), produced()])
      .when(cmd('RecordAiSuggestionFailure', failure(), system()))
      .then([]);
  });

  it('refuses an outcome for an unknown request', () =>
    given(copyDecider, holding())
      .when(cmd('RecordAiSuggestionFailure', failure(), system()))
      .thenThrows('NOT_FOUND'));
});

describe('reviewing a suggestion', () => {
  const ready = (): CopyEvent[] => [...holding(), requested(), produced()];

  it('accepting scores the suggested points through the ordinary score', () =>
    given(copyDecider, ready())
      .when(review('q1', 'accepted'))
      .then([reviewed('q1', 'accepted', 3.5), scored('q1', 3.5)]));

  it('editing scores the teacher’s points, rounded to the step like any score', () =>
    given(copyDecider, ready())
      .when(review('q2', 'edited', 4.4))
      .then([reviewed('q2', 'edited', 4), scored('q2', 4)]));

  it('dismissing records the decision and scores nothing', () =>
    given(copyDecider, ready())
      .when(review('q2', 'dismissed'))
      .then([reviewed('q2', 'dismissed')]));

  it('is harmless when repeated', () =>
    given(copyDecider, [...ready(), reviewed('q1', 'accepted', 3.5), scored('q1', 3.5)])
      .when(review('q1', 'accepted'))
      .then([]));

  it('needs the points of an edit', () =>
    given(copyDecider, ready())
      .when(review('q2', 'edited'))
      .thenThrows('VALIDATION', /^Indiquez un nombre de points pour modifier la suggestion\.$/));

  it('is refused once the lock is gone', () =>
    given(copyDecider, [...ready(), unlocked()])
      .when(review('q1', 'accepted'))
      .thenThrows('FORBIDDEN', /^Vous n’avez pas la main/));

  it('is refused for a question the current scale no longer has', () =>
    given(copyDecider, ready())
      .when(cmd('ReviewAiSuggestion', { requestId: REQUEST, questionId: 'q2', decision: 'accepted', scale: withoutQ2() }))
      .thenThrows('ILLEGAL_STATE', /^La question q2 n’est plus dans le barème/));

  it('is refused for a request that produced nothing or a question it did not suggest', () => {
    given(copyDecider, [...holding(), requested(), failed()])
      .when(review('q1', 'accepted'))
      .thenThrows('ILLEGAL_STATE');
    given(copyDecider, ready()).when(review('q9', 'accepted')).thenThrows('NOT_FOUND', /q9/);
  });
});

// ── Fixtures ────────────────────────────────────────────────────────────────────────────────────────

function as(actorId: string, actorRole: Role = 'teacher'): CommandMetadata {
  return { actorId, actorRole, now: addMinutes(T0, 1) };
}
function system(): CommandMetadata {
  return as('ai-suggestions', 'system');
}
function cmd<T extends CopyCommand['type']>(
  type: T,
  data: Extract<CopyCommand, { type: T }>['data'],
  metadata = as(CORRECTOR),
): CopyCommand {
  return { type, data, metadata } as CopyCommand;
}
function review(questionId: string, decision: 'accepted' | 'edited' | 'dismissed', points?: number): CopyCommand {
  return cmd('ReviewAiSuggestion', { requestId: REQUEST, questionId, decision, scale: SCALE, ...(points === undefined ? {} : { points }) });
}
function withoutQ2(): GradingScaleSnapshot {
  return { version: 3, questions: SCALE.questions.filter((question) => question.questionId !== 'q2') };
}
function imported(): CopyEvent {
  return {
    type: 'CopyImported',
    data: { copyId: COPY, examId: EXAM, scanId: 'scan-1', pages: [{ pageId: 'p1', number: 1 }], anonymousCode: 'K-1' },
  };
}
function assigned(): CopyEvent {
  return { type: 'CopyAssigned', data: { copyId: COPY, correctorId: CORRECTOR, runId: 'run-1' } };
}
function holding(): CopyEvent[] {
  return [imported(), assigned(), { type: 'CopyLocked', data: { copyId: COPY, holderId: CORRECTOR, leaseUntil: addMinutes(T0, 30) } }];
}
function unlocked(): CopyEvent {
  return { type: 'CopyUnlocked', data: { copyId: COPY, holderId: CORRECTOR } };
}
function requested(): CopyEvent {
  return { type: 'AiSuggestionRequested', data: { copyId: COPY, examId: EXAM, requestId: REQUEST, by: CORRECTOR, model: 'local-vision' } };
}
function suggestion(questionId: string, points: number) {
  return { questionId, points, justification: 'Raisonnement correct.', confidence: 0.7 };
}
function outcome() {
  return {
    requestId: REQUEST,
    model: 'local-vision',
    scale: SCALE,
    suggestions: [suggestion('q1', 3.5), suggestion('q2', 6)],
    comment: 'Bonne copie.',
    tokensIn: 1200,
    tokensOut: 90,
    latencyMs: 850,
    attempts: 1,
  };
}
function produced(): CopyEvent {
  const { scale, ...rest } = outcome();
  return { type: 'AiSuggestionProduced', data: { copyId: COPY, ...rest, scaleVersion: scale.version } };
}
function failure() {
  return {
    requestId: REQUEST,
    model: 'local-vision',
    reason: { code: 'TIMEOUT' as const, message: 'pas de réponse en 60 s.' },
    tokensIn: 0,
    tokensOut: 0,
    latencyMs: 60000,
    attempts: 3,
  };
}
function failed(): CopyEvent {
  return { type: 'AiSuggestionFailed', data: { copyId: COPY, ...failure() } };
}
function reviewed(questionId: string, decision: 'accepted' | 'edited' | 'dismissed', points?: number): CopyEvent {
  return {
    type: 'AiSuggestionReviewed',
    data: { copyId: COPY, requestId: REQUEST, questionId, decision, ...(points === undefined ? {} : { points }), by: CORRECTOR },
  };
}
function scored(questionId: string, points: number): CopyEvent {
  return { type: 'ScoreAwarded', data: { copyId: COPY, questionId, points, scaleVersion: 2 } };
}
