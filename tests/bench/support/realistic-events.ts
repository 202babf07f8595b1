import { randomUUID } from 'node:crypto';
import type { EventData, EventMetadata, ImportedEvent, JsonObject, JsonValue } from '#event-store';

/**
 * Events shaped like an exam session's: `copy-<uuid>` streams of 20–200 events (created, identified,
 * assigned, then annotations with pen polylines, scores, comments and locks, then graded), a few
 * `exam-<uuid>` streams, and the metadata every command writes. Seeded, so two runs store the same
 * shapes (ids are random).
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

const QUESTIONS = Array.from({ length: 12 }, (_, i) => `q${i + 1}`);
const COLORS = ['#d32f2f', '#1976d2', '#388e3c'];
const WORDS = 'bien vu attention au signe justifier le calcul unité manquante raisonnement correct erreur de méthode revoir le cours très clair'.split(' ');

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

  private polyline(): JsonValue[] {
    let x = this.int(40, 1100);
    let y = this.int(40, 1500);
    return Array.from({ length: this.int(8, 40) }, () => {
      x += this.int(-12, 12);
      y += this.int(-8, 8);
      return [x + Math.round(this.random() * 10) / 10, y + Math.round(this.random() * 10) / 10];
    });
  }

  metadata(actorId: string, actorRole: string, correlationId: string, causationId: string): EventMetadata {
    this.clock += this.int(5, 120);
    return { actorId, actorRole, correlationId, causationId, occurredAt: new Date(this.clock).toISOString(), schemaVersion: 1 };
  }

  /** The `revision`-th event of a copy stream that will hold `length` events. */
  copyEvent(copy: CopyStream, revision: number): EventData {
    const { copyId } = copy;
    let type: string;
    let data: JsonObject;
    let actor = copy.correctorId;
    let role = 'teacher';
    if (revision === 0) {
      type = 'CopyCreated';
      actor = copy.adminId;
      role = 'admin';
      const pageCount = this.int(2, 8);
      data = {
        copyId,
        examId: copy.examId,
        scanId: copy.scanId,
        pageCount,
        pages: copy.pageIds.slice(0, pageCount).map((pageId, index) => ({ pageId, index, imageKey: `scans/${copy.scanId}/${pageId}.png` })),
      };
    } else if (revision === 1) {
      type = 'CopyIdentified';
      actor = copy.adminId;
      role = 'admin';
      data = { copyId, studentId: randomUUID(), confidence: Math.round(this.random() * 1000) / 1000, method: 'handwriting' };
    } else if (revision === 2) {
      type = 'CopyAssigned';
      actor = copy.adminId;
      role = 'admin';
      data = { copyId, correctorId: copy.correctorId, lotId: copy.lotId };
    } else if (revision === copy.length - 1) {
      type = 'CopyGraded';
      data = { copyId, total: Math.round(this.random() * 400) / 20, maxTotal: 20 };
    } else {
      const roll = this.random();
      const questionId = this.pick(QUESTIONS);
      if (roll < 0.55) {
        type = 'AnnotationAdded';
        data = {
          copyId,
          annotationId: randomUUID(),
          pageId: this.pick(copy.pageIds),
          questionId,
          tool: 'pen',
          color: this.pick(COLORS),
          width: 2,
          points: this.polyline(),
        };
      } else if (roll < 0.8) {
        type = 'QuestionScored';
        data = { copyId, questionId, points: this.int(0, 8) / 2, maxPoints: 4, remark: this.random() < 0.3 ? this.sentence() : null };
      } else if (roll < 0.9) {
        type = 'CommentAdded';
        data = { copyId, questionId, commentId: randomUUID(), text: this.sentence() };
      } else {
        type = 'CopyLocked';
        data = { copyId, holderId: copy.correctorId, leaseUntil: new Date(this.clock + 15 * 60_000).toISOString() };
      }
    }
    return { eventId: randomUUID(), type, data, metadata: this.metadata(actor, role, randomUUID(), randomUUID()) };
  }

  newCopy(examId: string, scanId: string, adminId: string, correctorId: string, lotId: string, length = this.int(20, 200)): CopyStream {
    const copyId = randomUUID();
    return { streamId: `copy-${copyId}`, copyId, examId, scanId, adminId, correctorId, lotId, length, pageIds: Array.from({ length: 8 }, () => randomUUID()) };
  }

  private examEvents(examId: string, adminId: string): EventData[] {
    const correlationId = randomUUID();
    const scale = QUESTIONS.map((questionId, index) => ({ questionId, label: `Exercice ${Math.floor(index / 3) + 1}, question ${(index % 3) + 1}`, maxPoints: 4 }));
    return [
      { eventId: randomUUID(), type: 'ExamCreated', data: { examId, title: 'Bac blanc — mathématiques', date: '2025-03-07', classIds: [randomUUID(), randomUUID()] }, metadata: this.metadata(adminId, 'admin', correlationId, correlationId) },
      { eventId: randomUUID(), type: 'GradingScaleDefined', data: { examId, questions: scale }, metadata: this.metadata(adminId, 'admin', correlationId, randomUUID()) },
      { eventId: randomUUID(), type: 'CopiesDispatched', data: { examId, lots: Array.from({ length: 6 }, () => randomUUID()) }, metadata: this.metadata(adminId, 'admin', correlationId, randomUUID()) },
    ];
  }

  /**
   * A whole store in `$all` order, `batchSize` events at a time, ready for `importEvents`: about 300
   * copies corrected at once, interleaved, each exam opening a few events before its copies.
   */
  *store(total: number, batchSize: number): Generator<ImportedEvent[]> {
    const adminId = randomUUID();
    const correctors = Array.from({ length: 40 }, () => randomUUID());
    let examId = randomUUID();
    let scanId = randomUUID();
    let copiesInExam = Infinity;
    const active: { copy: CopyStream; next: number }[] = [];
    let batch: ImportedEvent[] = [];
    const push = (streamId: string, revision: number, event: EventData): void => {
      batch.push({ ...event, streamId, revision: BigInt(revision), recordedAt: event.metadata.occurredAt! });
    };
    for (let written = 0; written < total; written++) {
      if (active.length < 300) {
        if (copiesInExam >= 400) {
          examId = randomUUID();
          scanId = randomUUID();
          copiesInExam = 0;
          this.examEvents(examId, adminId).forEach((event, revision) => push(`exam-${examId}`, revision, event));
          written += 3;
        }
        copiesInExam++;
        active.push({ copy: this.newCopy(examId, scanId, adminId, this.pick(correctors), randomUUID()), next: 0 });
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

export interface CopyStream {
  readonly streamId: string;
  readonly copyId: string;
  readonly examId: string;
  readonly scanId: string;
  readonly adminId: string;
  readonly correctorId: string;
  readonly lotId: string;
  /** Number of events the stream will hold. */
  readonly length: number;
  readonly pageIds: readonly string[];
}
