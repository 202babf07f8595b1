import { Field, Float, ID, ObjectType } from '@nestjs/graphql';
import { CorrectedPdfModel } from '../../corrected-copies/corrected-pdf.model.js';
import { AnnotationModel, CopyPageModel } from './copy.models.js';

@ObjectType('StudentQuestionResult')
export class StudentQuestionResultModel {
  @Field(() => ID) questionId!: string;
  @Field() label!: string;
  @Field(() => Float) maxPoints!: number;
  @Field(() => Float, { nullable: true }) points!: number | null;
  @Field(() => String, { nullable: true }) remark!: string | null;
}

@ObjectType('StudentResult', { description: 'A student’s own corrected copy of a published exam' })
export class StudentResultModel {
  @Field(() => ID) examId!: string;
  @Field() title!: string;
  @Field() subject!: string;
  @Field(() => String, { nullable: true }) date!: string | null;
  @Field(() => String, { nullable: true }) publishedAt!: string | null;
  @Field(() => ID) copyId!: string;
  @Field(() => Float) total!: number;
  @Field(() => Float) max!: number;
  @Field(() => Float, { description: 'The total brought to /20' }) totalOn20!: number;
  @Field(() => [StudentQuestionResultModel], { description: 'Scored questions in reading order' }) questions!: StudentQuestionResultModel[];
  @Field() appreciation!: string;
  @Field(() => [CopyPageModel]) pages!: CopyPageModel[];
  @Field(() => [AnnotationModel]) annotations!: AnnotationModel[];
  @Field(() => CorrectedPdfModel, { nullable: true, description: 'The corrected copy as a PDF (named), once built' })
  correctedPdf?: CorrectedPdfModel | null;
}
