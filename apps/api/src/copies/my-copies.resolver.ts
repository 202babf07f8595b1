import { Inject } from '@nestjs/common';
import { Args, Context, ID, Query, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/roles.decorator.js';
import type { RequestContext } from '../auth/request-context.js';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { requireId } from '../shared/command-context.js';
import { forbidden } from '../shared/errors.js';
import { CopyReadModel } from './copy-read-model.js';
import { LotStatisticsModel } from './models/lot-statistics.models.js';
import { StudentResultModel } from './models/student-result.models.js';
import { CopySummaryModel } from './models/copy.models.js';
import { type CopyTotal, scoreStatistics } from './score-statistics.js';
import { StudentResults } from './student-results.js';

/** What correctors and students read about their own copies (issue 3, workflows 5 and 6). */
@Resolver()
export class MyCopiesResolver {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CopyReadModel) private readonly reads: CopyReadModel,
    @Inject(StudentResults) private readonly results: StudentResults,
  ) {}

  @Roles('teacher')
  @Query(() => [CopySummaryModel], { description: 'The caller’s lot: copies assigned to them, by anonymous code' })
  myCopies(
    @Context() ctx: RequestContext,
    @Args('examId', { type: () => ID, nullable: true }) examId: string | null,
  ): Promise<CopySummaryModel[]> {
    return this.reads.lot(ctx.session!.userId, examId == null ? null : requireId(examId, 'Examen'));
  }

  @Roles('teacher')
  @Query(() => LotStatisticsModel, { description: 'The caller’s lot against the whole exam, on /20' })
  async lotStatistics(@Context() ctx: RequestContext, @Args('examId', { type: () => ID }) examId: string): Promise<LotStatisticsModel> {
    const id = requireId(examId, 'Examen');
    const teacherId = ctx.session!.userId;
    if (!(await this.reads.correctsExam(teacherId, id))) throw forbidden('Vous ne corrigez pas cet examen.');
    const { rows } = await this.runtime.pool.query<CopyTotal & { corrector_id: string | null }>(
      `SELECT finalised, total, max, corrector_id FROM copies WHERE exam_id = $1`,
      [id],
    );
    return { lot: scoreStatistics(rows.filter((row) => row.corrector_id === teacherId)), exam: scoreStatistics(rows) };
  }

  @Roles('student')
  @Query(() => [StudentResultModel], { description: 'The caller’s own corrected copies of exams whose results are published' })
  myResults(@Context() ctx: RequestContext): Promise<StudentResultModel[]> {
    return this.results.of(ctx.session!.userId);
  }
}
