import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum ScanStage {
  UPLOADED = 'uploaded',
  RENDERING = 'rendering',
  SPLITTING = 'splitting',
  READING = 'reading',
  MATCHING = 'matching',
  COMPLETED = 'completed',
  FAILED = 'failed',
  REJECTED = 'rejected',
}
registerEnumType(ScanStage, { name: 'ScanStage', description: 'Where an uploaded PDF is in the import pipeline' });

export enum ScanMode {
  CLASS = 'class',
  SINGLE = 'single',
}
registerEnumType(ScanMode, { name: 'ScanMode', description: 'CLASS: one PDF cut every pagesPerCopy pages; SINGLE: one PDF per student' });

@ObjectType('ScanProblem', { description: 'Why a PDF was refused at upload, or why its import failed' })
export class ScanProblemModel {
  @Field({ description: 'EMPTY_FILE, ENCRYPTED, TOO_LARGE, RENDER_TIMEOUT…' }) code!: string;
  @Field({ description: 'In French, for the exam office' }) reason!: string;
  @Field(() => Int, { nullable: true }) page!: number | null;
  @Field(() => String, { nullable: true, description: 'The step that failed (failed imports only)' }) stage!: string | null;
}

@ObjectType('Scan', { description: 'An uploaded PDF and what the import made of it' })
export class ScanModel {
  @Field(() => ID) scanId!: string;
  @Field(() => ID) examId!: string;
  @Field() fileName!: string;
  @Field(() => ScanMode) mode!: ScanMode;
  @Field(() => Float, { description: 'Bytes' }) size!: number;
  @Field(() => Int) pageCount!: number;
  @Field(() => Int) pagesPerCopy!: number;
  @Field(() => ScanStage) stage!: ScanStage;
  @Field(() => Int, { description: 'Progress within the stage: pages rendered, headers read, copies identified…' }) done!: number;
  @Field(() => Int) total!: number;
  @Field(() => Int) pagesRendered!: number;
  @Field(() => Int, { description: 'Copies cut from the PDF (0 before the split)' }) copyCount!: number;
  @Field(() => Int) headersRead!: number;
  @Field(() => Int, { nullable: true, description: 'Identified without a person; null until matching is done' }) autoIdentified!:
    number | null;
  @Field(() => Int, { nullable: true, description: 'Left to the identification desk; null until matching is done' }) leftToDesk!:
    number | null;
  @Field(() => [String], { description: 'What the split found suspicious, in French' }) warnings!: string[];
  @Field(() => ScanProblemModel, { nullable: true }) problem!: ScanProblemModel | null;
  @Field() uploadedAt!: string;
  @Field(() => String, { nullable: true }) completedAt!: string | null;
}
