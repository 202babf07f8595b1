import { randomUUID } from 'node:crypto';
import type { Annotation, CopyEvent, ExamEvent, GradingQuestion } from '#domain';
import type { EventData, EventMetadata, ImportedEvent, JsonObject } from '#event-store';

/**
 * Events shaped like an exam session's, typed against the domain's event unions so that they stay
 * what the projections read: `copy-<uuid>` streams of 20–200 events (imported, header read,
 * identified, assigned, then locks, pen annotations with polylines, scores and remarks, then
 * finalised) and a few `exam-<uuid>` streams, with the metadata every command writes. Seeded, so two
 * runs store the same shapes (ids are random). Pages carry no blob keys: the bench has no blobs.
 */

/** Small, fast, seeded PRNG (mulberry32). */
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

const QUESTIONS: GradingQuestion[] = Array.from({ length: 12 }, (_, i) => ({
  questionId: `q${i + 1}`,
  label: `Exercice ${Math.floor(i / 3) + 1}, question ${(i % 3) + 1}`,
  maxPoints: i % 3 === 2 ? 2 : 1.5,
  step: 0.5,
}));
const MAX_TOTAL = QUESTIONS.reduce((sum, question) => sum + question.maxPoints, 0);
const COLORS = ['#d32f2f', '#1976d2', '#388e3c'];
const WORDS =
  'bien vu attention au signe justifier le calcul unité manquante raisonnement correct erreur de méthode revoir le cours très clair'.split(
    ' ',
  );
const LEASE_MS = 15 * 60_000;

export interface CopyStream {
  readonly streamId: string;
  readonly copyId: string;
  readonly examId: string;
  readonly scanId: string;
  readonly adminId: string;
  readonly correctorId: string;
  readonly runId: string;
  /** Number of events the stream will hold. */
  readonly length: number;
  readonly pageIds: readonly string[];
  /** Whether the corrector holds the lock after the events made so far. */
  locked: boolean;
}

type Made = { type: string; data: object };

export class RealisticEvents {
  private readonly random: () => number;
  /** Simulated clock: the session's events spread over days of correction. */
  private clock = Date.parse('2025-03-10T08:00:00Z');

  constructor(seed = 42) {
    this.random = seeded(seed);
  }

  private int(min: number, max: number): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }

  private pick<T>(values: readonly T[]): T {
    return values[Math.floor(this.random() * values.length)]!;
  }

  private sentence(): string {
    return Array.from({ length: this.int(4, 16) }, () => this.pick(WORDS)).join(' ');
  }

  /** A pen stroke in page coordinates (0..1), 8–40 points. */
  private stroke(pageId: string): Annotation {
    let x = 0.05 + this.random() * 0.85;
    let y = 0.05 + this.random() * 0.85;
    const points = Array.from({ length: this.int(8, 40) }, (): [number, number] => {
      x = Math.min(1, Math.max(0, x + (this.random() - 0.5) * 0.02));
      y = Math.min(1, Math.max(0, y + (this.random() - 0.5) * 0.012));
      return [Math.round(x * 10_000) / 10_000, Math.round(y * 10_000) / 10_000];
    });
    return { annotationId: randomUUID(), pageId, kind: 'pen', points, strokeWidth: 0.002, color: this.pick(COLORS) };
  }

  private metadata(actorId: string, actorRole: string): EventMetadata {
    this.clock += this.int(5, 120);
    const correlationId = randomUUID();
    return {
      actorId,
      actorRole,
      correlationId,
      causationId: correlationId,
      occurredAt: new Date(this.clock).toISOString(),
      schemaVersion: 1,
    };
  }

  private envelope(made: Made, actorId: string, actorRole: string): EventData {
    return { eventId: randomUUID(), type: made.type, data: made.data as JsonObject, metadata: this.metadata(actorId, actorRole) };
  }

  newCopy(examId: string, scanId: string, adminId: string, correctorId: string, runId: string, length = this.int(20, 200)): CopyStream {
    const copyId = randomUUID();
    const pageIds = Array.from({ length: this.int(2, 8) }, () => randomUUID());
    return { streamId: `copy-${copyId}`, copyId, examId, scanId, adminId, correctorId, runId, length, pageIds, locked: false };
  }

  /** The `revision`-th event of a copy stream. */
  copyEvent(copy: CopyStream, revision: number): EventData {
    const { copyId } = copy;
    const admin = (event: CopyEvent): EventData => this.envelope(event, copy.adminId, 'admin');
    const corrector = (event: CopyEvent): EventData => this.envelope(event, copy.correctorId, 'teacher');
    const lease = (): string => new Date(this.clock + LEASE_MS).toISOString();
    switch (revision) {
      case 0: {
        const pages = copy.pageIds.map((pageId, i) => ({ pageId, number: i + 1 }));
        const anonymousCode = `C-${copyId.slice(0, 6).toUpperCase()}`;
        return admin({ type: 'CopyImported', data: { copyId, examId: copy.examId, scanId: copy.scanId, pages, anonymousCode } });
      }
      case 1: {
        const candidates = Array.from({ length: 3 }, () => ({ studentId: randomUUID(), score: Math.round(this.random() * 1000) / 1000 }));
        const confidence = Math.round(this.random() * 1000) / 1000;
        return this.envelope(
          { type: 'HeaderRead', data: { copyId, engine: 'tesseract', text: 'DUPONT Camille 1re G3', candidates, confidence } },
          'system',
          'system',
        );
      }
      case 2:
        return admin({ type: 'StudentIdentified', data: { copyId, studentId: randomUUID(), method: 'auto', by: copy.adminId } });
      case 3:
        return admin({ type: 'CopyAssigned', data: { copyId, correctorId: copy.correctorId, runId: copy.runId } });
    }
    if (revision === copy.length - 1) {
      return corrector({ type: 'CopyFinalized', data: { copyId, total: this.int(0, MAX_TOTAL * 2) / 2, max: MAX_TOTAL, scaleVersion: 1 } });
    }
    // A correction session: lock, work, now and then renew or leave.
    if (!copy.locked) {
      copy.locked = true;
      return corrector({ type: 'CopyLocked', data: { copyId, holderId: copy.correctorId, leaseUntil: lease() } });
    }
    const roll = this.random();
    if (roll < 0.04) {
      copy.locked = false;
      return corrector({ type: 'CopyUnlocked', data: { copyId, holderId: copy.correctorId } });
    }
    if (roll < 0.08) return corrector({ type: 'LockRenewed', data: { copyId, holderId: copy.correctorId, leaseUntil: lease() } });
    const question = this.pick(QUESTIONS);
    if (roll < 0.63) return corrector({ type: 'AnnotationAdded', data: { copyId, annotation: this.stroke(this.pick(copy.pageIds)) } });
    if (roll < 0.85) {
      const points = this.int(0, question.maxPoints * 2) / 2;
      return corrector({ type: 'ScoreAwarded', data: { copyId, questionId: question.questionId, points, scaleVersion: 1 } });
    }
    return corrector({ type: 'RemarkWritten', data: { copyId, questionId: question.questionId, text: this.sentence() } });
  }

  private examEvents(examId: string, adminId: string, correctorIds: readonly string[]): EventData[] {
    const made: ExamEvent[] = [
      {
        type: 'ExamCreated',
        data: {
          examId,
          title: 'Bac blanc — mathématiques',
          subject: 'Mathématiques',
          date: '2025-03-07',
          classNames: ['1re G3', '1re G4'],
          createdBy: adminId,
        },
      },
      { type: 'GradingScaleDefined', data: { version: 1, questions: QUESTIONS } },
      { type: 'CorrectorsAssigned', data: { correctorIds: [...correctorIds] } },
    ];
    return made.map((event) => this.envelope(event, adminId, 'admin'));
  }

  /**
   * A whole store in `$all` order, `batchSize` events at a time, ready for `importEvents`: about 300
   * copies corrected at once, interleaved, each exam opening with a few events before its copies.
   */
  *store(total: number, batchSize: number): Generator<ImportedEvent[]> {
    const adminId = randomUUID();
    const correctors = Array.from({ length: 40 }, () => randomUUID());
    let exam = { examId: '', scanId: '', runId: '', copies: Infinity };
    const active: { copy: CopyStream; next: number }[] = [];
    let batch: ImportedEvent[] = [];
    const push = (streamId: string, revision: number, event: EventData): void => {
      batch.push({ ...event, streamId, revision: BigInt(revision), recordedAt: event.metadata.occurredAt! });
    };
    for (let written = 0; written < total; written++) {
      if (active.length < 300) {
        if (exam.copies >= 400) {
          exam = { examId: randomUUID(), scanId: randomUUID(), runId: randomUUID(), copies: 0 };
          const events = this.examEvents(exam.examId, adminId, correctors);
          events.forEach((event, revision) => push(`exam-${exam.examId}`, revision, event));
          written += events.length;
        }
        exam.copies++;
        active.push({ copy: this.newCopy(exam.examId, exam.scanId, adminId, this.pick(correctors), exam.runId), next: 0 });
      }
      const slot = Math.floor(this.random() * active.length);
      const stream = active[slot]!;
      push(stream.copy.streamId, stream.next, this.copyEvent(stream.copy, stream.next));
      if (++stream.next === stream.copy.length) active.splice(slot, 1);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }
}
