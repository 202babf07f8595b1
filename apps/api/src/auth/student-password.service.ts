import { Inject, Injectable } from '@nestjs/common';
import { studentDecider, studentStreamId } from '#domain';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { executeCommand } from '../shared/execute-command.js';
import { actorOf, metadataOf, readYourWrites } from '../shared/command-context.js';
import { badInput, unauthenticated } from '../shared/errors.js';
import { AuthService } from './auth.service.js';
import { hashPassword, normaliseAccessCode, verifyPassword } from './password.js';
import type { RequestContext } from './request-context.js';
import { SessionStore } from './sessions.js';

/**
 * A student replaces their one-time access code (first sign-in) or their password. With the code,
 * its use is recorded first (RecordStudentAccessUse: a code works once), then the password is set;
 * both on `student-<id>`, where the decider refuses a code already used or replaced meanwhile.
 */
@Injectable()
export class StudentPasswordService {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(SessionStore) private readonly sessions: SessionStore,
    @Inject(AuthService) private readonly auth: AuthService,
  ) {}

  async change(ctx: RequestContext, current: string, next: string): Promise<void> {
    const session = ctx.session!;
    const studentId = session.userId;
    const { rows } = await this.runtime.pool.query<{ password_hash: string | null; access_code_hash: string | null; withdrawn: boolean }>(
      `SELECT password_hash, access_code_hash, withdrawn FROM students WHERE student_id = $1`,
      [studentId],
    );
    const student = rows[0];
    if (!student || student.withdrawn) throw unauthenticated();
    const codeHash = student.password_hash ? null : student.access_code_hash;
    const proven = student.password_hash
      ? await verifyPassword(student.password_hash, current)
      : codeHash !== null && (await verifyPassword(codeHash, normaliseAccessCode(current)));
    if (!proven) throw badInput(codeHash ? 'Le code d’accès est incorrect.' : 'Le mot de passe actuel est incorrect.');
    this.auth.requireStrong(next, current);
    const passwordHash = await hashPassword(next);
    const stream = studentStreamId(studentId);
    if (codeHash) {
      await executeCommand(
        this.runtime.store,
        stream,
        studentDecider,
        { type: 'RecordStudentAccessUse', data: { studentId, codeHash }, metadata: metadataOf(session) },
        actorOf(session),
      );
    }
    const result = await executeCommand(
      this.runtime.store,
      stream,
      studentDecider,
      { type: 'SetStudentPassword', data: { studentId, passwordHash }, metadata: metadataOf(session) },
      actorOf(session),
    );
    await readYourWrites(this.runner, result.position, ['students']);
    await this.sessions.destroyAllFor(studentId, session.token);
    await this.sessions.markPasswordChanged(session.token);
    ctx.session = { ...session, mustChangePassword: false };
  }
}
