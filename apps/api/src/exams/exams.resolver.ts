import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, ID, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { Roles } from '../auth/roles.decorator.js';
import type { RequestContext } from '../auth/request-context.js';
import { requireId } from '../shared/command-context.js';
import { badInput } from '../shared/errors.js';
import { Corrector, DispatchRun, Exam, ExamProgress } from './exam.models.js';
import { GradingQuestionInput, GradingScalePreview } from './grading-scale.models.js';
import { HeaderRegionInput } from './header-region.models.js';
import { dispatchRuns, examCorrectors, examProgress, findExam, listExams } from './exams.queries.js';
import { previewGradingScale, toDomainQuestions } from './scale-preview.js';
import { CreateExamCommand } from './create-exam/create-exam.command.js';
import { DefineGradingScaleCommand } from './define-grading-scale/define-grading-scale.command.js';
import { DefineHeaderRegionCommand } from './define-header-region/define-header-region.command.js';

const MAX_QUESTIONS = 300;
const MAX_CLASSES = 50;

const countQuestions = (questions: readonly GradingQuestionInput[]): number =>
  questions.reduce((sum, q) => sum + 1 + countQuestions(q.children ?? []), 0);
const checkScaleSize = (questions: readonly GradingQuestionInput[]): void => {
  if (countQuestions(questions) > MAX_QUESTIONS) throw badInput(`Un barème compte au plus ${MAX_QUESTIONS} questions.`);
};

/** Exams and their grading scale (issue 3, workflow 3). Teachers see the exams they correct, never a student's name. */
@Resolver(() => Exam)
export class ExamsResolver {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  @Roles('admin', 'teacher')
  @Query(() => [Exam], { description: 'Admin: every exam. Teacher: the exams they correct.' })
  exams(@Context() ctx: RequestContext): Promise<Exam[]> {
    return listExams(this.runtime.pool, ctx.session!);
  }

  @Roles('admin', 'teacher')
  @Query(() => Exam, { description: 'One exam with its scale tree, correctors, dispatch runs (admin) and publication state' })
  exam(@Context() ctx: RequestContext, @Args('examId', { type: () => ID }) examId: string): Promise<Exam> {
    return findExam(this.runtime.pool, requireId(examId, 'Examen'), ctx.session!);
  }

  @Roles('admin')
  @Mutation(() => Exam, { description: 'Creates a mock exam for classes of the roster' })
  async createExam(
    @Context() ctx: RequestContext,
    @Args('title') title: string,
    @Args('subject') subject: string,
    @Args('classNames', { type: () => [String] }) classNames: string[],
    @Args('date', { type: () => String, nullable: true, description: 'YYYY-MM-DD' }) date?: string | null,
  ): Promise<Exam> {
    if (title.length > 1000 || subject.length > 1000 || classNames.length > MAX_CLASSES)
      throw badInput('Titre, matière ou liste de classes trop longs.');
    const examId = await this.commands.execute(
      new CreateExamCommand(ctx.session!, { title, subject, classNames, ...(date ? { date } : {}) }),
    );
    return findExam(this.runtime.pool, examId, ctx.session!);
  }

  @Roles('admin')
  @Query(() => GradingScalePreview, { description: 'What defining this scale would do to the scores already given (nothing is saved)' })
  async previewGradingScale(
    @Context() ctx: RequestContext,
    @Args('examId', { type: () => ID }) examId: string,
    @Args('questions', { type: () => [GradingQuestionInput] }) questions: GradingQuestionInput[],
  ): Promise<GradingScalePreview> {
    checkScaleSize(questions);
    return previewGradingScale(this.runtime.pool, await findExam(this.runtime.pool, requireId(examId, 'Examen'), ctx.session!), questions);
  }

  @Roles('admin')
  @Mutation(() => Exam, {
    description: 'Defines the grading scale; once scores exist the change is a new version and needs confirmed: true',
  })
  async defineGradingScale(
    @Context() ctx: RequestContext,
    @Args('examId', { type: () => ID }) examId: string,
    @Args('questions', { type: () => [GradingQuestionInput] }) questions: GradingQuestionInput[],
    @Args('confirmed', { defaultValue: false, description: 'The admin saw previewGradingScale and accepts its effect on scores' })
    confirmed: boolean,
  ): Promise<Exam> {
    checkScaleSize(questions);
    const id = requireId(examId, 'Examen');
    await this.commands.execute(new DefineGradingScaleCommand(ctx.session!, id, toDomainQuestions(questions), confirmed));
    return findExam(this.runtime.pool, id, ctx.session!);
  }

  @Roles('admin')
  @Mutation(() => Exam, {
    description:
      'Sets where the name box is on the copies’ first page (read to identify, masked for correctors); refused once copies are dispatched',
  })
  async defineHeaderRegion(
    @Context() ctx: RequestContext,
    @Args('examId', { type: () => ID }) examId: string,
    @Args('region', { type: () => HeaderRegionInput }) region: HeaderRegionInput,
  ): Promise<Exam> {
    const id = requireId(examId, 'Examen');
    const { x, y, width, height } = region;
    await this.commands.execute(new DefineHeaderRegionCommand(ctx.session!, id, { x, y, width, height }));
    return findExam(this.runtime.pool, id, ctx.session!);
  }

  @ResolveField(() => ExamProgress)
  progress(@Parent() exam: Exam): Promise<ExamProgress> {
    return examProgress(this.runtime.pool, exam);
  }

  @ResolveField(() => [Corrector], { description: 'A teacher sees only their own line' })
  correctors(@Parent() exam: Exam, @Context() ctx: RequestContext): Promise<Corrector[]> {
    return examCorrectors(this.runtime.pool, exam, ctx.session!);
  }

  @ResolveField(() => [DispatchRun], { description: 'Admin only (empty for a teacher)' })
  async dispatchRuns(@Parent() exam: Exam, @Context() ctx: RequestContext): Promise<DispatchRun[]> {
    return ctx.session?.role === 'admin' ? dispatchRuns(this.runtime.pool, exam.examId) : [];
  }
}
