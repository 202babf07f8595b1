import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { CorrectedPdfModel } from '../../corrected-copies/corrected-pdf.model.js';

/** The copy decider's CopyStatus, as the correctors and the exam office see it. */
export enum CopyStatus {
  IMPORTED = 'imported',
  IDENTIFIED = 'identified',
  ASSIGNED = 'assigned',
  IN_PROGRESS = 'in_progress',
  FINALISED = 'finalised',
}
registerEnumType(CopyStatus, { name: 'CopyStatus', description: 'Where a copy is in its correction' });

export enum AnnotationKind {
  PEN = 'pen',
  HIGHLIGHTER = 'highlighter',
  BOX = 'box',
  COMMENT = 'comment',
  TICK = 'tick',
  CROSS = 'cross',
}
registerEnumType(AnnotationKind, { name: 'AnnotationKind' });

@ObjectType('CopyLock', { description: 'A live lease on a copy: only its holder annotates and scores' })
export class CopyLockModel {
  @Field(() => ID) holderId!: string;
  @Field({ description: 'The staff member holding it (never a student)' }) holderName!: string;
  @Field(() => String, { nullable: true, description: 'When the holder took it (renewals keep it)' }) since!: string | null;
  @Field({ description: 'When the lease ends unless renewed' }) until!: string;
  @Field(() => Int) secondsLeft!: number;
}

@ObjectType('CopyReopening', { description: 'Why an admin sent a finalised copy back to correction (until it is finalised again)' })
export class CopyReopeningModel {
  @Field() reason!: string;
  @Field({ description: 'When it was reopened' }) at!: string;
  @Field(() => String, { nullable: true, description: 'The admin who reopened it (display name; null if the account is gone)' })
  by!: string | null;
}

@ObjectType('CopyPage')
export class CopyPageModel {
  @Field(() => ID) pageId!: string;
  @Field(() => Int, { description: 'Place in the scanned PDF (1-based)' }) number!: number;
  @Field(() => Int, { description: 'Place in the reading order (0-based)' }) position!: number;
  @Field(() => String, {
    nullable: true,
    description: 'The page image (authorised route; correctors get the header masked); null when the page has no image',
  })
  imageUrl!: string | null;
}

@ObjectType('Annotation', {
  description: 'A mark on a page; coordinates are fractions of the page (0..1, origin top-left). It carries no score.',
})
export class AnnotationModel {
  @Field(() => ID) annotationId!: string;
  @Field(() => ID) pageId!: string;
  @Field(() => AnnotationKind) kind!: AnnotationKind;
  @Field(() => [[Float]], { nullable: true, description: 'pen, highlighter: [x, y] points' }) points?: number[][] | null;
  @Field(() => Float, { nullable: true }) strokeWidth?: number | null;
  @Field(() => String, { nullable: true }) color?: string | null;
  @Field(() => Float, { nullable: true }) x?: number | null;
  @Field(() => Float, { nullable: true }) y?: number | null;
  @Field(() => Float, { nullable: true, description: 'box only' }) w?: number | null;
  @Field(() => Float, { nullable: true, description: 'box only' }) h?: number | null;
  @Field(() => String, { nullable: true, description: 'comment only' }) text?: string | null;
}

@ObjectType('QuestionScore', { description: 'The one canonical score of a question, on the grading scale' })
export class QuestionScoreModel {
  @Field(() => ID) questionId!: string;
  @Field(() => Float) points!: number;
  @Field(() => Int, { description: 'The grading scale version it was given on' }) scaleVersion!: number;
}

@ObjectType('QuestionRemark')
export class QuestionRemarkModel {
  @Field(() => ID) questionId!: string;
  @Field() text!: string;
}

@ObjectType('CopySummary', { description: 'A copy in a list, by its anonymous code: no student name, ever' })
export class CopySummaryModel {
  @Field(() => ID) copyId!: string;
  @Field(() => ID) examId!: string;
  @Field() anonymousCode!: string;
  @Field(() => CopyStatus) status!: CopyStatus;
  @Field(() => ID, { nullable: true }) correctorId!: string | null;
  @Field(() => CopyLockModel, { nullable: true, description: 'Null when nobody holds a live lease' }) lock!: CopyLockModel | null;
  @Field(() => Int) pageCount!: number;
  @Field(() => Float, { description: 'Sum of the scores awarded so far (the final total once finalised)' }) total!: number;
  @Field(() => Float, { nullable: true, description: 'Maximum of the grading scale (as finalised, or the current one)' }) max!:
    number | null;
  @Field(() => String, { nullable: true }) finalisedAt!: string | null;
  @Field() updatedAt!: string;
  @Field(() => BigInt, { description: 'Revision of the copy stream this view reflects' }) revision!: bigint;
  @Field(() => CorrectedPdfModel, { nullable: true, description: 'The corrected PDF once finalised (correctors: anonymous variant)' })
  correctedPdf?: CorrectedPdfModel | null;
  @Field(() => CopyReopeningModel, { nullable: true, description: 'The current reopening: null unless reopened and not finalised since' })
  reopened!: CopyReopeningModel | null;
}

@ObjectType('Copy', { description: 'A copy in the correction workspace, by its anonymous code: no student name, ever' })
export class CopyModel extends CopySummaryModel {
  @Field(() => [CopyPageModel], { description: 'In reading order' }) pages!: CopyPageModel[];
  @Field(() => [AnnotationModel]) annotations!: AnnotationModel[];
  @Field(() => [QuestionScoreModel]) scores!: QuestionScoreModel[];
  @Field(() => [QuestionRemarkModel]) remarks!: QuestionRemarkModel[];
  @Field() appreciation!: string;
  @Field(() => Int, { nullable: true, description: 'Grading scale version of the final total' }) scaleVersion!: number | null;
}
