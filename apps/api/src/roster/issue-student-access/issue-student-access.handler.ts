import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DomainError, studentDecider, studentStreamId } from '#domain';
import { type Position, comparePositions } from '#event-store';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { SessionStore } from '../../auth/sessions.js';
import { generateOneTimeCode, hashPassword, normaliseAccessCode } from '../../auth/password.js';
import { executeCommand } from '../../shared/execute-command.js';
import { actorOf, mapLimited, metadataOf, readYourWrites } from '../../shared/command-context.js';
import { badInput } from '../../shared/errors.js';
import type { StudentAccessSlip } from '../roster.models.js';
import { IssueStudentAccessCommand } from './issue-student-access.command.js';

type Target = { student_id: string; login_code: string; last_name: string; first_name: string; class_name: string; withdrawn: boolean };

/**
 * One code per student (DESIGN §10: never a shared default password). Only the code's hash is
 * recorded (StudentAccessIssued); the clear codes leave once, in the answer, for the admin to print.
 * The student's sessions end: a new code is how a lost or leaked password is replaced. A student whose
 * code could not be recorded (withdrawn meanwhile) is left out of the list and keeps the previous one.
 */
@CommandHandler(IssueStudentAccessCommand)
export class IssueStudentAccessHandler implements ICommandHandler<IssueStudentAccessCommand> {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(SessionStore) private readonly sessions: SessionStore,
  ) {}

  async execute({ session, target, validDays }: IssueStudentAccessCommand): Promise<StudentAccessSlip[]> {
    const students = await this.targets(target);
    const expiresAt = new Date(Date.now() + validDays * 86_400_000).toISOString();
    const issued = await mapLimited(students, 4, async (student) => {
      const code = generateOneTimeCode();
      const codeHash = await hashPassword(normaliseAccessCode(code));
      const command = {
        type: 'IssueStudentAccess',
        data: { studentId: student.student_id, codeHash, expiresAt },
        metadata: metadataOf(session),
      } as const;
      try {
        const result = await executeCommand(
          this.runtime.store,
          studentStreamId(student.student_id),
          studentDecider,
          command,
          actorOf(session),
        );
        await this.sessions.destroyAllFor(student.student_id);
        const slip: StudentAccessSlip = {
          studentId: student.student_id,
          login: student.login_code,
          code,
          lastName: student.last_name,
          firstName: student.first_name,
          className: student.class_name,
          expiresAt,
        };
        return { slip, position: result.position };
      } catch (error) {
        if (error instanceof DomainError) return null;
        throw error;
      }
    });
    const done = issued.filter((entry) => entry !== null);
    const last = done.reduce<Position | null>(
      (max, { position }) => (position && (!max || comparePositions(position, max) > 0) ? position : max),
      null,
    );
    await readYourWrites(this.runner, last, ['students']);
    return done.map((entry) => entry.slip);
  }

  private async targets(target: IssueStudentAccessCommand['target']): Promise<Target[]> {
    const byIds = 'studentIds' in target;
    const { rows } = await this.runtime.pool.query<Target>(
      `SELECT student_id, login_code, last_name, first_name, class_name, withdrawn FROM students
       WHERE ${byIds ? 'student_id = ANY($1)' : 'class_name = $1'} ORDER BY class_name, last_name, first_name, student_id`,
      [byIds ? target.studentIds : target.className],
    );
    if (byIds) {
      const missing = target.studentIds.filter((id) => !rows.some((row) => row.student_id === id));
      if (missing.length > 0) throw badInput(`Élève(s) introuvable(s) : ${missing.join(', ')}`);
      const withdrawn = rows.filter((row) => row.withdrawn);
      if (withdrawn.length > 0)
        throw badInput(`Élève(s) retiré(s) du registre : ${withdrawn.map((row) => `${row.last_name} ${row.first_name}`).join(', ')}`);
    }
    const active = rows.filter((row) => !row.withdrawn);
    if (active.length === 0) throw badInput(byIds ? 'Aucun élève choisi.' : `Aucun élève dans la classe ${target.className}.`);
    return active;
  }
}
