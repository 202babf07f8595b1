import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError, type StudentCommand, parseRoster, studentDecider, studentStreamId } from '#domain';
import { type Position, comparePositions } from '#event-store';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import type { Session } from '../../auth/sessions.js';
import { executeCommand, loadStream } from '../../shared/execute-command.js';
import { actorOf, mapLimited, metadataOf, readYourWrites } from '../../shared/command-context.js';
import { badInput } from '../../shared/errors.js';
import { type RosterImportLine, type RosterImportReport, RosterLineStatus } from '../roster.models.js';
import { ImportRosterCommand } from './import-roster.command.js';
import { type KnownStudent, type RosterStep, planRoster } from './roster-plan.js';

export const ROSTER_MAX_BYTES = 2 * 1024 * 1024;

type Outcome = { line: RosterImportLine; position: Position | null };

/**
 * Each line is one command on one student stream, so a line is imported whole or not at all; a line
 * refused (by the parser, the matcher or the decider) is reported with its number and the others go
 * on. Imports are serialised (advisory lock, held until the students read model shows the result) so
 * that two imports of the same file cannot enrol a student twice; a re-import writes nothing.
 */
@CommandHandler(ImportRosterCommand)
export class ImportRosterHandler implements ICommandHandler<ImportRosterCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  async execute({ session, csv, dryRun }: ImportRosterCommand): Promise<RosterImportReport> {
    if (Buffer.byteLength(csv, 'utf8') > ROSTER_MAX_BYTES)
      throw badInput(`Fichier trop volumineux : ${ROSTER_MAX_BYTES / 1024 / 1024} Mo au plus.`);
    const parsed = parseRoster(csv, { today: new Date().toISOString().slice(0, 10) });
    if (parsed.format === null) throw badInput('Le fichier est vide.');
    const client = await this.runtime.pool.connect();
    try {
      await client.query(`SELECT pg_advisory_lock(hashtext('korrigo:roster-import'))`);
      try {
        const { rows } = await client.query<KnownStudent>(
          `SELECT student_id AS "studentId", last_name AS "lastName", first_name AS "firstName", birth_date::text AS "birthDate", ine, withdrawn FROM students`,
        );
        const outcomes = await mapLimited(planRoster(parsed.rows, rows), 8, (step) => this.apply(step, session, dryRun));
        const last = outcomes.reduce<Position | null>(
          (max, { position }) => (position && (!max || comparePositions(position, max) > 0) ? position : max),
          null,
        );
        await readYourWrites(this.runner, last, ['students']);
        return report(parsed.format, dryRun, [
          ...outcomes.map((o) => o.line),
          ...parsed.errors.map(({ line, message }) => refused(line, message)),
        ]);
      } finally {
        await client.query(`SELECT pg_advisory_unlock(hashtext('korrigo:roster-import'))`);
      }
    } finally {
      client.release();
    }
  }

  private async apply(step: RosterStep, session: Session, dryRun: boolean): Promise<Outcome> {
    if (step.kind === 'refuse') return { line: refused(step.line, step.message, step.studentId), position: null };
    const { row, studentId } = step;
    const data = { studentId, lastName: row.lastName, firstName: row.firstName, birthDate: row.birthDate, className: row.className };
    // An update sends the whole row: class and group are the file's; an e-mail or INE the file lacks is kept.
    const command: StudentCommand =
      step.kind === 'enrol'
        ? {
            type: 'EnrollStudent',
            data: {
              ...data,
              ...(row.group ? { group: row.group } : {}),
              ...(row.email ? { email: row.email } : {}),
              ...(row.ine ? { ine: row.ine } : {}),
            },
            metadata: metadataOf(session),
          }
        : {
            type: 'UpdateStudent',
            data: { ...data, group: row.group ?? null, ...(row.email ? { email: row.email } : {}), ...(row.ine ? { ine: row.ine } : {}) },
            metadata: metadataOf(session),
          };
    try {
      const stream = studentStreamId(studentId);
      const { events, position } = dryRun
        ? { events: studentDecider.decide(command, (await loadStream(this.runtime.store, stream, studentDecider)).state), position: null }
        : await executeCommand(this.runtime.store, stream, studentDecider, command, actorOf(session));
      const status =
        step.kind === 'enrol' ? RosterLineStatus.CREATED : events.length > 0 ? RosterLineStatus.UPDATED : RosterLineStatus.UNCHANGED;
      return { line: { line: row.line, status, message: null, studentId }, position };
    } catch (error) {
      if (error instanceof DomainError)
        return { line: refused(row.line, error.message, step.kind === 'update' ? studentId : undefined), position: null };
      process.stderr.write(`[roster] line ${row.line}: ${error instanceof Error ? error.message : String(error)}\n`);
      return {
        line: refused(row.line, 'enregistrement impossible pour le moment : importez le fichier à nouveau', undefined),
        position: null,
      };
    }
  }
}

const refused = (line: number, message: string, studentId?: string): RosterImportLine => ({
  line,
  status: RosterLineStatus.ERROR,
  message,
  studentId: studentId ?? null,
});

const report = (format: string, dryRun: boolean, lines: RosterImportLine[]): RosterImportReport => {
  const count = (status: RosterLineStatus): number => lines.filter((line) => line.status === status).length;
  return {
    format,
    dryRun,
    created: count(RosterLineStatus.CREATED),
    updated: count(RosterLineStatus.UPDATED),
    unchanged: count(RosterLineStatus.UNCHANGED),
    errors: count(RosterLineStatus.ERROR),
    lines: lines.sort((a, b) => a.line - b.line),
  };
};
