import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum AiSuggestionStatus {
  PENDING = 'pending',
  PRODUCED = 'produced',
  FAILED = 'failed',
}
registerEnumType(AiSuggestionStatus, { name: 'AiSuggestionStatus', description: 'Where a request for AI suggestions is' });

export enum AiReviewDecision {
  ACCEPTED = 'accepted',
  EDITED = 'edited',
  DISMISSED = 'dismissed',
}
registerEnumType(AiReviewDecision, { name: 'AiReviewDecision', description: 'What the corrector did with a suggestion' });

@ObjectType('AiSuggestionsStatus', { description: 'Whether this server offers AI suggestions (OPENAI_API_KEY and OPENAI_MODEL set)' })
export class AiSuggestionsStatusModel {
  @Field() enabled!: boolean;
  @Field(() => String, { nullable: true }) model!: string | null;
}

@ObjectType('AiQuestionSuggestion', { description: 'A suggested score for one question; never a score until the corrector accepts it' })
export class AiQuestionSuggestionModel {
  @Field(() => ID) questionId!: string;
  @Field(() => Float) points!: number;
  @Field() justification!: string;
  @Field(() => Float, { description: 'From 0 to 1' }) confidence!: number;
  @Field(() => AiReviewDecision, { nullable: true }) decision!: AiReviewDecision | null;
  @Field(() => Float, { nullable: true, description: 'What was awarded when accepted or edited' }) reviewedPoints!: number | null;
}

@ObjectType('AiSuggestionRequest', { description: 'The latest request for AI suggestions on a copy and its outcome' })
export class AiSuggestionRequestModel {
  @Field(() => ID) requestId!: string;
  @Field(() => ID) copyId!: string;
  @Field(() => AiSuggestionStatus) status!: AiSuggestionStatus;
  @Field() model!: string;
  @Field() requestedAt!: string;
  @Field(() => String, { nullable: true }) finishedAt!: string | null;
  @Field(() => Int, { nullable: true, description: 'The scale version the suggestions were checked against' }) scaleVersion!: number | null;
  @Field(() => [AiQuestionSuggestionModel]) suggestions!: AiQuestionSuggestionModel[];
  @Field(() => String, { nullable: true }) comment!: string | null;
  @Field(() => String, { nullable: true, description: 'Why it failed, as a code (TIMEOUT, OUT_OF_RANGE, INTERRUPTED…)' })
  failureCode!: string | null;
  @Field(() => String, { nullable: true, description: 'Why it failed, in French' }) failureMessage!: string | null;
  @Field(() => Int, { nullable: true }) latencyMs!: number | null;
  @Field(() => Int, { nullable: true }) attempts!: number | null;
}

@ObjectType('AiSuggestionStats', { description: 'How an exam’s correctors used AI suggestions (exam office)' })
export class AiSuggestionStatsModel {
  @Field(() => ID) examId!: string;
  @Field(() => Int) requests!: number;
  @Field(() => Int) produced!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int) pending!: number;
  @Field(() => Int) accepted!: number;
  @Field(() => Int) edited!: number;
  @Field(() => Int) dismissed!: number;
  @Field(() => Float, { nullable: true, description: 'Accepted suggestions over reviewed ones; null before any review' })
  acceptanceRate!: number | null;
  @Field(() => Float, {
    nullable: true,
    description: 'Mean |suggested − final score| over the questions of finalised copies that had suggestions',
  })
  averageGap!: number | null;
  @Field(() => Int, { description: 'Questions the average gap is taken over' }) comparedQuestions!: number;
  @Field(() => Int) tokensIn!: number;
  @Field(() => Int) tokensOut!: number;
  @Field(() => Int, { nullable: true }) medianLatencyMs!: number | null;
}

@ObjectType('ExamAnswerKey', { description: 'The exam’s answer key, sent to the model with each request' })
export class ExamAnswerKeyModel {
  @Field(() => ID) examId!: string;
  @Field() text!: string;
  @Field(() => String, { nullable: true }) updatedAt!: string | null;
}
