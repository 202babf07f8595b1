import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { Roles } from '../auth/roles.decorator.js';
import type { RequestContext } from '../auth/request-context.js';
import { requireId } from '../shared/command-context.js';
import { badInput } from '../shared/errors.js';
import { RosterImportReport, SchoolClass, Student, StudentAccessSlip } from './roster.models.js';
import { findStudent, listClasses, listStudents } from './students.queries.js';
import { ImportRosterCommand } from './import-roster/import-roster.command.js';
import { IssueStudentAccessCommand } from './issue-student-access/issue-student-access.command.js';
import { WithdrawStudentCommand } from './withdraw-student/withdraw-student.command.js';

const ACCESS_MAX_DAYS = 90;
const ACCESS_MAX_STUDENTS = 2000;

@Resolver()
export class RosterResolver {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  @Roles('admin')
  @Mutation(() => RosterImportReport, {
    description:
      'Imports a class roster (Pronote export or CSV with a header, 2 MB at most): each line is created, updated, unchanged or refused whole',
  })
  importRoster(
    @Context() ctx: RequestContext,
    @Args('csv') csv: string,
    @Args('dryRun', { defaultValue: false, description: 'Report what the import would do, writing nothing' }) dryRun: boolean,
  ): Promise<RosterImportReport> {
    return this.commands.execute(new ImportRosterCommand(ctx.session!, csv, dryRun));
  }

  @Roles('admin')
  @Query(() => [Student], {
    description: 'The roster by class and name; the search ignores case and accents and also matches INE and e-mail',
  })
  students(
    @Args('className', { type: () => String, nullable: true }) className?: string | null,
    @Args('search', { type: () => String, nullable: true }) search?: string | null,
    @Args('includeWithdrawn', { defaultValue: false }) includeWithdrawn?: boolean,
  ): Promise<Student[]> {
    if ((search?.length ?? 0) > 200 || (className?.length ?? 0) > 200) throw badInput('Recherche trop longue.');
    return listStudents(this.runtime.pool, {
      className: className ?? undefined,
      search: search ?? undefined,
      includeWithdrawn: includeWithdrawn ?? false,
    });
  }

  @Roles('admin')
  @Query(() => [SchoolClass], { description: 'Classes of the roster with their number of students' })
  classes(): Promise<SchoolClass[]> {
    return listClasses(this.runtime.pool);
  }

  @Roles('admin')
  @Mutation(() => [StudentAccessSlip], {
    description:
      'Issues one-time access codes to the given students or to a whole class, shown only in this answer (print them); each replaces the previous code and password',
  })
  issueStudentAccess(
    @Context() ctx: RequestContext,
    @Args('studentIds', { type: () => [ID], nullable: true }) studentIds?: string[] | null,
    @Args('className', { type: () => String, nullable: true }) className?: string | null,
    @Args('validDays', { type: () => Int, defaultValue: 30, description: `Days before an unused code expires (1 to ${ACCESS_MAX_DAYS})` })
    validDays?: number,
  ): Promise<StudentAccessSlip[]> {
    if ((studentIds ? 1 : 0) + (className ? 1 : 0) !== 1) throw badInput('Choisissez des élèves ou une classe (l’un ou l’autre).');
    const days = validDays ?? 30;
    if (!Number.isInteger(days) || days < 1 || days > ACCESS_MAX_DAYS)
      throw badInput(`Durée de validité entre 1 et ${ACCESS_MAX_DAYS} jours.`);
    if (studentIds && (studentIds.length === 0 || studentIds.length > ACCESS_MAX_STUDENTS))
      throw badInput(`Entre 1 et ${ACCESS_MAX_STUDENTS} élèves à la fois.`);
    const target = studentIds
      ? { studentIds: [...new Set(studentIds.map((id) => requireId(id, 'Élève')))] }
      : { className: className!.trim() };
    return this.commands.execute(new IssueStudentAccessCommand(ctx.session!, target, days));
  }

  @Roles('admin')
  @Mutation(() => Student, { description: 'Withdraws a student from the roster: no more sign-in; their copies and results stay' })
  async withdrawStudent(
    @Context() ctx: RequestContext,
    @Args('studentId', { type: () => ID }) studentId: string,
    @Args('reason', { type: () => String, nullable: true }) reason?: string | null,
  ): Promise<Student> {
    if (reason && reason.length > 500) throw badInput('Motif trop long (500 caractères au plus).');
    const id = requireId(studentId, 'Élève');
    await this.commands.execute(new WithdrawStudentCommand(ctx.session!, id, reason ?? undefined));
    return findStudent(this.runtime.pool, id);
  }
}
