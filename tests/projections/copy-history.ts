import { randomUUID } from 'node:crypto';
import {
  type Annotation,
  type CopyCommand,
  type CopyEvent,
  type CopyState,
  DomainError,
  type GradingScaleSnapshot,
  type Role,
  copyDecider,
} from '#domain';
import type { RecordedEvent } from '#event-store';

/**
 * A correction session's copy events, made by the real copy decider: commands are drawn at random
 * (import, header reading, identification, flags, page moves, merges, splits, dispatch, locks,
 * annotations, scores, remarks, finalisation, reopening, corrected PDFs, AI suggestions) and only what
 * the decider accepts is recorded, interleaved across copies as in `$all`. Seeded draws (ids are random).
 */
const seeded = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

const SCALE: GradingScaleSnapshot = {
  version: 1,
  questions: [
    { questionId: 'q1', maxPoints: 2, step: 0.5 },
    { questionId: 'q2', maxPoints: 3, step: 0.25 },
    { questionId: 'q3', maxPoints: 5, step: 1 },
    { questionId: 'q4', maxPoints: 1.5, step: 0.5 },
  ],
};
const FLAGS = ['missing_pages', 'blank_pages', 'duplicate_pages', 'no_header', 'other'] as const;

interface Copy {
  readonly copyId: string;
  state: CopyState;
  revision: number;
}

export const copyHistory = (copyCount: number, seed = 7): RecordedEvent[] => {
  const random = seeded(seed);
  const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(values: readonly T[]): T => values[Math.floor(random() * values.length)]!;
  const examId = randomUUID();
  const scanId = randomUUID();
  const admin = randomUUID();
  const correctors = [randomUUID(), randomUUID(), randomUUID()];
  const recorded: RecordedEvent[] = [];
  const copies: Copy[] = [];
  // Days of correction, then a last stretch ahead of the wall clock: recent enough to be announced
  // live however long the test takes, so two applies of it send the same notifications.
  let clock = Date.now() - 30 * 86_400_000;
  const iso = (ms: number): string => new Date(ms).toISOString();

  const run = (copy: Copy, command: CopyCommand): CopyEvent[] => {
    let events: CopyEvent[];
    try {
      events = copyDecider.decide(command, copy.state);
    } catch (error) {
      if (error instanceof DomainError) return [];
      throw error;
    }
    for (const event of events) {
      copy.state = copyDecider.evolve(copy.state, event);
      const at = iso(clock);
      recorded.push({
        eventId: randomUUID(),
        type: event.type,
        data: event.data as never,
        metadata: { actorId: command.metadata.actorId, actorRole: command.metadata.actorRole, occurredAt: at },
        streamId: `copy-${copy.copyId}`,
        revision: BigInt(copy.revision++),
        position: { commit: BigInt(recorded.length + 1), prepare: BigInt(recorded.length + 1) },
        recordedAt: at,
      });
    }
    return events;
  };
  const as = <C extends CopyCommand>(type: C['type'], data: C['data'], role: Role, actorId: string, now = iso(clock)): CopyCommand =>
    ({ type, data, metadata: { actorId, actorRole: role, now } }) as CopyCommand;
  const newCopy = (pageCount = int(1, 6)): Copy => {
    const copy: Copy = { copyId: randomUUID(), state: copyDecider.initialState(), revision: 0 };
    const pages = Array.from({ length: pageCount }, (_, i) =>
      i % 2 === 0
        ? { pageId: randomUUID(), number: i + 1, imageBlobKey: `scan/${randomUUID()}.png` }
        : { pageId: randomUUID(), number: i + 1 },
    );
    run(
      copy,
      as('ImportCopy', { copyId: copy.copyId, examId, scanId, pages, anonymousCode: `K-${copy.copyId.slice(0, 6)}` }, 'system', 'system'),
    );
    copies.push(copy);
    return copy;
  };
  const stroke = (copy: Copy, annotationId: string = randomUUID()): Annotation => ({
    annotationId,
    pageId: pick(copy.state.pages).pageId,
    kind: 'pen',
    points: Array.from({ length: int(2, 6) }, (): [number, number] => [int(0, 1000) / 1000, int(0, 1000) / 1000]),
    strokeWidth: 0.002,
    color: '#d32f2f',
  });

  /** One random step of a copy's life; most draws are refused and leave nothing. */
  const step = (copy: Copy): void => {
    const { state } = copy;
    const corrector = state.correctorId ?? pick(correctors);
    const holder = state.lock?.holderId ?? corrector;
    const other = pick(copies.filter((c) => c !== copy && c.state.discarded === null));
    const pageIds = state.pages.map((page) => page.pageId);
    const annotationIds = Object.keys(state.annotations);
    const roll = random();
    if (roll < 0.05)
      run(
        copy,
        as('RecordHeaderRead', { engine: 'tesseract', text: 'DUPONT Camille', candidates: [], confidence: random() }, 'system', 'system'),
      );
    else if (roll < 0.1) run(copy, as('IdentifyStudent', { studentId: randomUUID() }, pick(['admin', 'system'] as const), admin));
    else if (roll < 0.12) run(copy, as('ClearIdentification', {}, 'admin', admin));
    else if (roll < 0.15)
      run(copy, as('FlagCopy', random() < 0.5 ? { reason: pick(FLAGS) } : { reason: pick(FLAGS), note: 'à revoir' }, 'admin', admin));
    else if (roll < 0.17) run(copy, as('ClearFlag', { reason: pick(FLAGS) }, 'admin', admin));
    else if (roll < 0.19) run(copy, as('ReorderPages', { pageIds: [...pageIds].sort(() => random() - 0.5) }, 'admin', admin));
    else if (roll < 0.21 && other) {
      const moving = pageIds.slice(0, int(1, Math.max(1, pageIds.length - 1)));
      const detached = run(
        copy,
        as('DetachPages', { pageIds: moving, toCopyId: other.copyId, transferId: randomUUID(), position: int(0, 3) }, 'admin', admin),
      );
      attachLater(detached, other);
    } else if (roll < 0.22) {
      const target = randomUUID();
      const detached = run(
        copy,
        as('DetachPages', { pageIds: pageIds.slice(-1), toCopyId: target, transferId: randomUUID(), newCopy: true }, 'admin', admin),
      );
      const event = detached.find((e) => e.type === 'PagesDetached');
      if (event?.type === 'PagesDetached') {
        const split: Copy = { copyId: target, state: copyDecider.initialState(), revision: 0 };
        run(
          split,
          as(
            'ImportCopy',
            { copyId: target, examId, scanId, pages: event.data.pages, anonymousCode: `K-${target.slice(0, 6)}` },
            'admin',
            admin,
          ),
        );
        copies.push(split);
      }
    } else if (roll < 0.23 && other)
      attachLater(run(copy, as('MergeInto', { targetCopyId: other.copyId, transferId: randomUUID() }, 'admin', admin)), other);
    else if (roll < 0.27) run(copy, as('AssignCorrector', { correctorId: pick(correctors), runId: randomUUID() }, 'admin', admin));
    else if (roll < 0.35) run(copy, as('LockCopy', {}, 'teacher', corrector));
    else if (roll < 0.38) run(copy, as('RenewLock', {}, 'teacher', holder));
    else if (roll < 0.41) run(copy, as('UnlockCopy', {}, 'teacher', holder));
    else if (roll < 0.42) run(copy, as('ExpireLock', {}, 'system', 'system', iso(clock + 3 * 3600_000)));
    else if (roll < 0.43) run(copy, as('ForceReleaseLock', { reason: 'professeur absent' }, 'admin', admin));
    else if (roll < 0.55 && pageIds.length > 0) run(copy, as('AddAnnotation', { annotation: stroke(copy) }, 'teacher', holder));
    else if (roll < 0.6 && annotationIds.length > 0)
      run(copy, as('EditAnnotation', { annotation: stroke(copy, pick(annotationIds)) }, 'teacher', holder));
    else if (roll < 0.63 && annotationIds.length > 0)
      run(copy, as('RemoveAnnotation', { annotationId: pick(annotationIds) }, 'teacher', holder));
    else if (roll < 0.72) {
      const question = pick(SCALE.questions);
      run(
        copy,
        as(
          'AwardScore',
          { questionId: question.questionId, points: int(0, question.maxPoints / question.step) * question.step, scale: SCALE },
          'teacher',
          holder,
        ),
      );
    } else if (roll < 0.77)
      run(
        copy,
        as(
          'WriteRemark',
          { questionId: pick(SCALE.questions).questionId, text: pick(['', 'bien', 'revoir le cours']), scale: SCALE },
          'teacher',
          holder,
        ),
      );
    else if (roll < 0.8) run(copy, as('WriteAppreciation', { text: pick(['', 'Bon travail.', 'Des efforts.']) }, 'teacher', holder));
    else if (roll < 0.86) run(copy, as('FinalizeCopy', { scale: SCALE }, 'teacher', holder));
    else if (roll < 0.88) run(copy, as('ReopenCopy', { reason: 'erreur de barème' }, 'admin', admin));
    else if (roll < 0.9) {
      const file = { pdfBlobKey: 'b'.repeat(64), sha256: 'a'.repeat(64), bytes: int(1000, 9000) };
      const finalisedRevision = String(copy.revision - 1);
      run(
        copy,
        as(
          'RecordCorrectedCopy',
          { finalisedRevision, anonymous: file, named: state.studentId === null ? null : file },
          'system',
          'system',
        ),
      );
    } else if (roll < 0.93) aiStep(copy, holder);
  };

  const pendingAttach: { target: Copy; event: Extract<CopyEvent, { type: 'PagesDetached' }> }[] = [];
  const attachLater = (events: CopyEvent[], target: Copy): void => {
    for (const event of events) if (event.type === 'PagesDetached') pendingAttach.push({ target, event });
  };
  const attachPending = (): void => {
    const { target, event } = pendingAttach.shift()!;
    const { transferId, copyId: fromCopyId, pages, position } = event.data;
    run(target, as('AttachPages', { transferId, fromCopyId, pages, position }, 'admin', admin));
  };

  const aiRequests = new Map<string, string>();
  const aiStep = (copy: Copy, holder: string): void => {
    const requestId = aiRequests.get(copy.copyId);
    if (requestId === undefined) {
      const made = randomUUID();
      if (run(copy, as('RequestAiSuggestion', { requestId: made, model: 'gpt-test' }, 'teacher', holder)).length > 0)
        aiRequests.set(copy.copyId, made);
      return;
    }
    const suggestions = SCALE.questions.map((q) => ({ questionId: q.questionId, points: 0, justification: 'rien', confidence: 0.5 }));
    const usage = { tokensIn: 100, tokensOut: 50, latencyMs: 900, attempts: 1 };
    if (random() < 0.5)
      run(
        copy,
        as('RecordAiSuggestion', { requestId, model: 'gpt-test', scale: SCALE, suggestions, comment: 'ok', ...usage }, 'system', 'system'),
      );
    else run(copy, as('ReviewAiSuggestion', { requestId, questionId: 'q1', decision: 'accepted', scale: SCALE }, 'teacher', holder));
  };

  for (let i = 0; i < copyCount; i++) newCopy();
  const steps = copyCount * 120;
  for (let n = 0; n < steps; n++) {
    clock = n === Math.floor(steps * 0.9) ? Date.now() + 3600_000 : clock + int(1, 660);
    if (pendingAttach.length > 0 && random() < 0.3) attachPending();
    else step(pick(copies));
  }
  while (pendingAttach.length > 0) attachPending();
  return recorded;
};
