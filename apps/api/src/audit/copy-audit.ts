import { Inject, Injectable } from '@nestjs/common';
import { type CopyEvent, type GradingQuestion, copyStreamId, evolveCopy, initialCopyState } from '#domain';
import { type RecordedEvent, StreamNotFoundError } from '#event-store';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { badInput, notFound } from '../shared/errors.js';
import type { CopyStatus } from '../copies/models/copy.models.js';
import type { CopyFlagReason } from '../copies/models/copy-admin.models.js';
import { toAnnotation } from '../copies/copy-rows.js';
import { pageImageUrl } from '../files/file-urls.js';
import type { CopyHistoryEntryModel, CopySnapshotModel } from './audit.models.js';
import { idsIn, summarise } from './event-summary.js';

const asCopyEvent = (event: RecordedEvent): CopyEvent => ({ type: event.type, data: event.data }) as unknown as CopyEvent;

/**
 * The audit queries (DESIGN §1 auditor, §2: the one place resolvers read streams): a copy's history
 * event by event, and the copy as it stood at any revision, folded with the copy decider's evolve.
 */
@Injectable()
export class CopyAudit {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async history(copyId: string): Promise<CopyHistoryEntryModel[]> {
    const events = await this.read(copyId);
    const examId = String(events[0]?.data.examId ?? '');
    const [names, questions] = await Promise.all([this.names(events), this.questionLabels(examId)]);
    const ctx = { name: (id: string) => names.get(id) ?? id, question: (id: string) => questions.get(id) ?? `Question ${id}` };
    let state = initialCopyState();
    return events.map((recorded) => {
      const event = asCopyEvent(recorded);
      const summary = summarise(event, state, ctx) ?? recorded.type;
      state = evolveCopy(state, event);
      const actorId = recorded.metadata.actorId ?? null;
      return {
        revision: recorded.revision,
        type: recorded.type,
        actorId,
        actorRole: recorded.metadata.actorRole ?? null,
        actorName: actorId && names.has(actorId) ? names.get(actorId)! : 'Système',
        at: recorded.metadata.occurredAt ?? recorded.recordedAt,
        summary,
      };
    });
  }

  async at(copyId: string, revision: bigint): Promise<CopySnapshotModel> {
    const events = await this.read(copyId);
    const latest = events[events.length - 1]!.revision;
    if (revision < 0n || revision > latest) throw badInput(`Révision hors de l’historique (0 à ${latest}).`);
    const upTo = events.filter((event) => event.revision <= revision);
    const state = upTo.reduce((folded, event) => evolveCopy(folded, asCopyEvent(event)), initialCopyState());
    const names = await this.names(upTo);
    const student = state.studentId ? await this.student(state.studentId) : null;
    return {
      copyId,
      revision,
      latestRevision: latest,
      at: upTo[upTo.length - 1]!.recordedAt,
      examId: state.examId ?? '',
      anonymousCode: state.anonymousCode ?? '',
      status: state.status as CopyStatus,
      student,
      correctorId: state.correctorId,
      correctorName: state.correctorId ? (names.get(state.correctorId) ?? null) : null,
      lock: state.lock
        ? { holderId: state.lock.holderId, holderName: names.get(state.lock.holderId) ?? '', leaseUntil: state.lock.leaseUntil }
        : null,
      pages: state.pages.map((page, position) => ({
        pageId: page.pageId,
        number: page.number,
        position,
        imageUrl: page.imageBlobKey ? pageImageUrl(page.pageId) : null,
      })),
      flags: state.flags.map((flag) => ({ reason: flag.reason as unknown as CopyFlagReason, note: flag.note ?? null })),
      annotations: Object.values(state.annotations).map((annotation) => toAnnotation(annotation as unknown as Record<string, unknown>)),
      scores: Object.entries(state.scores).map(([questionId, score]) => ({ questionId, ...score })),
      remarks: Object.entries(state.remarks).map(([questionId, text]) => ({ questionId, text })),
      appreciation: state.appreciation,
      finalised: state.finalised,
    };
  }

  private async read(copyId: string): Promise<RecordedEvent[]> {
    try {
      return await this.runtime.store.readStream(copyStreamId(copyId));
    } catch (error) {
      if (error instanceof StreamNotFoundError) throw notFound('Copie introuvable.');
      throw error;
    }
  }

  /** Staff display names and students' "NOM Prénom" for every id the events name. */
  private async names(events: readonly RecordedEvent[]): Promise<Map<string, string>> {
    const ids = [
      ...new Set(events.flatMap((event) => [...idsIn(asCopyEvent(event)), ...(event.metadata.actorId ? [event.metadata.actorId] : [])])),
    ];
    const { rows } = await this.runtime.pool.query<{ id: string; name: string }>(
      `SELECT user_id AS id, display_name AS name FROM users WHERE user_id = ANY($1)
       UNION ALL SELECT student_id, upper(last_name) || ' ' || first_name FROM students WHERE student_id = ANY($1)`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, row.name]));
  }

  private async student(studentId: string) {
    const { rows } = await this.runtime.pool.query<{ last_name: string; first_name: string; class_name: string }>(
      `SELECT last_name, first_name, class_name FROM students WHERE student_id = $1`,
      [studentId],
    );
    const row = rows[0];
    return row ? { studentId, lastName: row.last_name, firstName: row.first_name, className: row.class_name } : null;
  }

  /** "Exercice 1 › 1.a" for each scored question of the exam's current scale. */
  private async questionLabels(examId: string): Promise<Map<string, string>> {
    const { rows } = await this.runtime.pool.query<{ scale: GradingQuestion[] | null }>(`SELECT scale FROM copy_exams WHERE exam_id = $1`, [
      examId,
    ]);
    const labels = new Map<string, string>();
    const walk = (questions: readonly GradingQuestion[], parents: string): void => {
      for (const question of questions) {
        const label = parents ? `${parents} › ${question.label}` : question.label;
        if (question.children) walk(question.children, label);
        else labels.set(question.questionId, label);
      }
    };
    walk(rows[0]?.scale ?? [], '');
    return labels;
  }
}
