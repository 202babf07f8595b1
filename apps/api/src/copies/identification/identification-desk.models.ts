import { Field, Float, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { CopyFlagModel, CopyStudentModel } from '../models/copy-admin.models.js';
import { CopyPageModel, CopyStatus } from '../models/copy.models.js';
import { IdentificationProgressModel } from './identification-progress.js';

export enum DeskFilter {
  LEFT = 'left',
  ALL = 'all',
}
registerEnumType(DeskFilter, { name: 'DeskFilter', description: 'LEFT: the copies still to identify; ALL: every copy of the exam' });

@ObjectType('DeskStudent', { description: 'A student of the exam’s classes, as the identification desk shows them (exam office only)' })
export class DeskStudentModel {
  @Field(() => ID) id!: string;
  @Field() lastName!: string;
  @Field() firstName!: string;
  @Field() className!: string;
  @Field({ description: 'YYYY-MM-DD' }) birthDate!: string;
  @Field() withdrawn!: boolean;
}

@ObjectType('DeskCandidate', { description: 'A student the header may name, with whether another copy of the exam already has them' })
export class DeskCandidateModel {
  @Field(() => DeskStudentModel) student!: DeskStudentModel;
  @Field(() => Float, { nullable: true, description: 'The matcher’s score (0..1); null for a type-ahead match' }) score!: number | null;
  @Field({ description: 'Another copy of the exam is already identified as this student' }) taken!: boolean;
  @Field(() => String, { nullable: true, description: 'The anonymous code of that other copy' }) takenByAnonymousCode!: string | null;
}

@ObjectType('DeskCopy', { description: 'A copy at the identification desk: what OCR read, its candidates, its pages' })
export class DeskCopyModel {
  @Field(() => ID) copyId!: string;
  @Field() anonymousCode!: string;
  @Field(() => CopyStatus) status!: CopyStatus;
  @Field(() => ID) scanId!: string;
  @Field(() => [Int], { description: 'Places of its pages in the scanned PDF, in reading order' }) pageNumbers!: number[];
  @Field(() => [CopyPageModel], { description: 'In reading order' }) pages!: CopyPageModel[];
  @Field(() => [CopyFlagModel]) flags!: CopyFlagModel[];
  @Field(() => String, { nullable: true, description: 'The header crop (authorised route); null before OCR ran' })
  headerImageUrl!: string | null;
  @Field(() => String, { nullable: true, description: 'The header text OCR read' }) text!: string | null;
  @Field(() => Float, { nullable: true, description: 'OCR confidence, 0..1' }) confidence!: number | null;
  @Field(() => String, { nullable: true }) engine!: string | null;
  @Field(() => [DeskCandidateModel], { description: 'Best first' }) candidates!: DeskCandidateModel[];
  @Field(() => CopyStudentModel, { nullable: true, description: 'Who it is identified as, if anyone' }) student!: CopyStudentModel | null;
  @Field(() => String, { nullable: true, description: "'auto' or 'manual'" }) identificationMethod!: string | null;
}

@ObjectType('IdentificationDesk', { description: 'A page of the identification desk’s copies, in scan order, with the counters' })
export class IdentificationDeskModel {
  @Field(() => ID) examId!: string;
  @Field(() => IdentificationProgressModel) progress!: IdentificationProgressModel;
  @Field(() => [DeskCopyModel]) items!: DeskCopyModel[];
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next page; null on the last page' })
  nextCursor!: string | null;
}

@ObjectType('IdentificationDeskChange', { description: 'The desk of an exam changed: the counters, and when a copy last changed' })
export class IdentificationDeskChangeModel {
  @Field(() => ID) examId!: string;
  @Field(() => IdentificationProgressModel) progress!: IdentificationProgressModel;
  @Field(() => String, { nullable: true }) changedAt!: string | null;
}
