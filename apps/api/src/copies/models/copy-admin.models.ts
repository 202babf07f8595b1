import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import type { CorrectedPdfModel } from '../../corrected-copies/corrected-pdf.model.js';
import { CopyModel, CopySummaryModel } from './copy.models.js';

export enum CopyFlagReason {
  MISSING_PAGES = 'missing_pages',
  BLANK_PAGES = 'blank_pages',
  DUPLICATE_PAGES = 'duplicate_pages',
  NO_HEADER = 'no_header',
  OTHER = 'other',
}
registerEnumType(CopyFlagReason, { name: 'CopyFlagReason' });

@ObjectType('CopyStudent', { description: 'Who wrote a copy: shown to the exam office only' })
export class CopyStudentModel {
  @Field(() => ID) studentId!: string;
  @Field() lastName!: string;
  @Field() firstName!: string;
  @Field() className!: string;
}

@ObjectType('CopyFlag')
export class CopyFlagModel {
  @Field(() => CopyFlagReason) reason!: CopyFlagReason;
  @Field(() => String, { nullable: true }) note!: string | null;
}

/** What the exam office sees on top of the anonymous view (both shapes below share these fields). */
export interface CopyIdentity {
  scanId: string;
  student: CopyStudentModel | null;
  identificationMethod: string | null;
  flags: CopyFlagModel[];
  correctorName: string | null;
  /** The named variant for the exam office (the summary's is the anonymous one). */
  correctedPdf?: CorrectedPdfModel | null;
}

@ObjectType('AdminCopySummary', { description: 'A copy in the exam office’s lists, with its student' })
export class AdminCopySummaryModel extends CopySummaryModel implements CopyIdentity {
  @Field(() => ID) scanId!: string;
  @Field(() => CopyStudentModel, { nullable: true }) student!: CopyStudentModel | null;
  @Field(() => String, { nullable: true, description: "'auto' or 'manual'" }) identificationMethod!: string | null;
  @Field(() => [CopyFlagModel]) flags!: CopyFlagModel[];
  @Field(() => String, { nullable: true }) correctorName!: string | null;
}

@ObjectType('AdminCopy', { description: 'A whole copy for the exam office, with its student' })
export class AdminCopyModel extends CopyModel implements CopyIdentity {
  @Field(() => ID) scanId!: string;
  @Field(() => CopyStudentModel, { nullable: true }) student!: CopyStudentModel | null;
  @Field(() => String, { nullable: true, description: "'auto' or 'manual'" }) identificationMethod!: string | null;
  @Field(() => [CopyFlagModel]) flags!: CopyFlagModel[];
  @Field(() => String, { nullable: true }) correctorName!: string | null;
}

@ObjectType('LockBoardEntry', { description: 'Who holds which copy, since when, and the lease left' })
export class LockBoardEntryModel {
  @Field(() => ID) copyId!: string;
  @Field(() => ID) examId!: string;
  @Field(() => String, { nullable: true }) examTitle!: string | null;
  @Field() anonymousCode!: string;
  @Field(() => ID) holderId!: string;
  @Field() holderName!: string;
  @Field(() => String, { nullable: true }) since!: string | null;
  @Field() until!: string;
  @Field(() => Int) secondsLeft!: number;
}
