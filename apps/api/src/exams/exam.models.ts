import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { GradingQuestion } from './grading-scale.models.js';
import { HeaderRegion } from './header-region.models.js';

@ObjectType({ description: 'How far the copies of an exam are (counts only: no names)' })
export class ExamProgress {
  @Field(() => Int, { description: 'Copies imported from scans' }) copies!: number;
  @Field(() => Int) identified!: number;
  @Field(() => Int, { description: 'Copies with a corrector' }) assigned!: number;
  @Field(() => Int) inProgress!: number;
  @Field(() => Int) finalised!: number;
  @Field(() => Int) flagged!: number;
  @Field(() => Int, { description: 'Students (not withdrawn) of the exam’s classes' }) expectedStudents!: number;
}

@ObjectType({ description: 'A corrector of the exam and their lot' })
export class Corrector {
  @Field(() => ID) userId!: string;
  @Field() displayName!: string;
  @Field({ description: 'False for a corrector removed from the exam who still has copies' }) current!: boolean;
  @Field() active!: boolean;
  @Field(() => Int) assignedCopies!: number;
  @Field(() => Int) finalisedCopies!: number;
}

@ObjectType()
export class DispatchAssignment {
  @Field(() => ID) copyId!: string;
  @Field(() => String, { nullable: true }) anonymousCode!: string | null;
  @Field(() => ID) correctorId!: string;
}

@ObjectType()
export class CorrectorLoad {
  @Field(() => ID) correctorId!: string;
  @Field(() => Int) copies!: number;
}

@ObjectType({ description: 'One dispatch of the copies: a seeded random, fair draw (loads differ by at most one)' })
export class DispatchRun {
  @Field(() => ID) runId!: string;
  @Field() dispatchedAt!: string;
  @Field(() => ID) dispatchedBy!: string;
  @Field(() => Int) copyCount!: number;
  @Field(() => [CorrectorLoad]) loads!: CorrectorLoad[];
  @Field(() => [DispatchAssignment]) assignments!: DispatchAssignment[];
}

@ObjectType({ description: 'What dispatchCopies did' })
export class DispatchOutcome {
  @Field(() => DispatchRun) run!: DispatchRun;
  @Field(() => Int, { description: 'Copies that changed corrector' }) moved!: number;
  @Field(() => Int, { description: 'Copies in progress kept by their corrector' }) kept!: number;
  @Field(() => [ID], { description: 'Copies that could not be given to their new corrector (locked meanwhile): dispatch again' })
  failedCopyIds!: string[];
}

@ObjectType({ description: 'A copy as the exam office dispatches it (anonymous code only)' })
export class ExamCopy {
  @Field(() => ID) copyId!: string;
  @Field(() => ID) examId!: string;
  @Field() anonymousCode!: string;
  @Field({ description: "'imported', 'identified', 'assigned', 'in_progress' or 'finalised'" }) status!: string;
  @Field(() => ID, { nullable: true }) correctorId!: string | null;
}

@ObjectType({ description: 'A mock exam: its classes, grading scale, correctors, dispatches and publication' })
export class Exam {
  @Field(() => ID) examId!: string;
  @Field() title!: string;
  @Field() subject!: string;
  @Field(() => String, { nullable: true, description: 'YYYY-MM-DD' }) date!: string | null;
  @Field(() => [String]) classNames!: string[];
  @Field() createdAt!: string;
  @Field(() => Int, { nullable: true }) scaleVersion!: number | null;
  @Field(() => [GradingQuestion], { description: 'The current grading scale as a tree (empty until defined)' }) scale!: GradingQuestion[];
  @Field(() => Float, { nullable: true }) maxPoints!: number | null;
  @Field({ description: 'Scores exist: a scale change makes a new version and needs confirmation' }) scoringStarted!: boolean;
  @Field(() => HeaderRegion, { description: 'The name box on the copies’ first page (default: the top quarter)' })
  headerRegion!: HeaderRegion;
  @Field() published!: boolean;
  @Field(() => String, { nullable: true }) publishedAt!: string | null;
  @Field(() => String, { nullable: true, description: 'Why the results were last withdrawn' }) withdrawnReason!: string | null;
  @Field() archived!: boolean;
  // Resolved per field (exam.resolver.ts): progress, correctors, dispatchRuns.
  correctorIds!: string[];
}
