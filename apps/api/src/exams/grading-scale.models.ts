import { Field, Float, ID, InputType, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A question of the grading scale; only leaves are scored, a parent is worth the sum of its children' })
export class GradingQuestion {
  @Field({ description: 'Stable across versions: scores point at it' }) questionId!: string;
  @Field() label!: string;
  @Field(() => Float) maxPoints!: number;
  @Field(() => Float, { description: '0.25, 0.5 or 1' }) step!: number;
  @Field(() => [GradingQuestion], { nullable: true }) children?: GradingQuestion[] | null;
}

@InputType({ description: 'A question as the admin writes it: a parent’s maxPoints and step may be left out' })
export class GradingQuestionInput {
  @Field({ description: 'Made by the client, kept when the question is edited' }) questionId!: string;
  @Field() label!: string;
  @Field(() => Float, { nullable: true }) maxPoints?: number | null;
  @Field(() => Float, { nullable: true }) step?: number | null;
  @Field(() => [GradingQuestionInput], { nullable: true }) children?: GradingQuestionInput[] | null;
}

@ObjectType({ description: 'A recorded score the change would affect' })
export class AffectedScore {
  @Field(() => ID) copyId!: string;
  @Field(() => String, { nullable: true }) anonymousCode!: string | null;
  @Field() questionId!: string;
  @Field(() => Float) points!: number;
  @Field(() => Float, { nullable: true, description: 'For a clamped score: the new maximum' }) newMaxPoints!: number | null;
  @Field(() => Float, { nullable: true, description: 'For a score off the new step: the new step' }) newStep!: number | null;
}

@ObjectType({ description: 'What defining this grading scale would do, before the admin confirms it' })
export class GradingScalePreview {
  @Field(() => Int, { nullable: true }) currentVersion!: number | null;
  @Field(() => Int, { description: 'The version the scale would be saved as' }) nextVersion!: number;
  @Field({ description: 'False when the scale is the same as the current one' }) changed!: boolean;
  @Field({ description: 'Scores exist: defineGradingScale needs confirmed: true' }) needsConfirmation!: boolean;
  @Field({ description: 'False when the scores read model is not available: the lists below are then empty, not checked' })
  scoresKnown!: boolean;
  @Field(() => Float) maxPoints!: number;
  @Field(() => [ID], { description: 'Copies whose corrector must look again' }) copiesTouched!: string[];
  @Field(() => [AffectedScore]) scoresDropped!: AffectedScore[];
  @Field(() => [AffectedScore]) scoresClamped!: AffectedScore[];
  @Field(() => [AffectedScore]) scoresOffStep!: AffectedScore[];
  @Field(() => [String]) questionsAdded!: string[];
  @Field(() => [String]) questionsRemoved!: string[];
}
