import { Inject, Module } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthModule } from '../auth/auth.module.js';
import { RosterResolver } from './roster.resolver.js';
import { ImportRosterHandler } from './import-roster/import-roster.handler.js';
import { IssueStudentAccessHandler } from './issue-student-access/issue-student-access.handler.js';
import { WithdrawStudentHandler } from './withdraw-student/withdraw-student.handler.js';

/**
 * JSON bodies up to this size reach GraphQL. A roster of 2 MB travels as a GraphQL variable, JSON
 * escaping included; Nest's default (100 kB) would refuse a large school's file before the resolver
 * could answer with a clear BAD_USER_INPUT.
 */
export const JSON_BODY_LIMIT = '4mb';

/** The school's students: roster import, access codes, withdrawal (issue 3, workflow 2). */
@Module({
  imports: [AuthModule],
  providers: [RosterResolver, ImportRosterHandler, IssueStudentAccessHandler, WithdrawStudentHandler],
})
export class RosterModule {
  constructor(@Inject(HttpAdapterHost) adapterHost: HttpAdapterHost) {
    // Registered before Nest's own parser, which then sees a JSON parser in place and adds none.
    const adapter = adapterHost.httpAdapter as unknown as
      { useBodyParser?: (type: string, rawBody: boolean, options: object) => void } | undefined;
    adapter?.useBodyParser?.('json', false, { limit: JSON_BODY_LIMIT });
  }
}
