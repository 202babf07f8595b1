import { Field, Float, ID, Int, ObjectType } from '@nestjs/graphql';
import { CopyFlagModel, CopyStudentModel } from '../copies/models/copy-admin.models.js';
import { AnnotationModel, CopyPageModel, CopyStatus, QuestionRemarkModel, QuestionScoreModel } from '../copies/models/copy.models.js';

@ObjectType('CopyHistoryEntry', { description: 'One event of a copy’s stream, told in words' })
export class CopyHistoryEntryModel {
  @Field(() => BigInt) revision!: bigint;
  @Field({ description: 'The event type as stored' }) type!: string;
  @Field(() => String, { nullable: true }) actorId!: string | null;
  @Field(() => String, { nullable: true, description: "'admin', 'teacher', 'student' or 'system'" }) actorRole!: string | null;
  @Field({ description: 'Display name of the actor, or Système' }) actorName!: string;
  @Field({ description: 'When it happened (as the actor’s request said), else when it was recorded' }) at!: string;
  @Field() summary!: string;
}

@ObjectType('CopySnapshotLock')
export class CopySnapshotLockModel {
  @Field(() => ID) holderId!: string;
  @Field() holderName!: string;
  @Field() leaseUntil!: string;
}

@ObjectType('CopyFinalisation')
export class CopyFinalisationModel {
  @Field(() => Float) total!: number;
  @Field(() => Float) max!: number;
  @Field(() => Int) scaleVersion!: number;
}

@ObjectType('CopySnapshot', { description: 'A copy as it stood just after one revision of its stream' })
export class CopySnapshotModel {
  @Field(() => ID) copyId!: string;
  @Field(() => BigInt) revision!: bigint;
  @Field(() => BigInt, { description: 'The newest revision of the stream' }) latestRevision!: bigint;
  @Field({ description: 'When that revision was recorded' }) at!: string;
  @Field(() => ID) examId!: string;
  @Field() anonymousCode!: string;
  @Field(() => CopyStatus) status!: CopyStatus;
  @Field(() => CopyStudentModel, { nullable: true }) student!: CopyStudentModel | null;
  @Field(() => ID, { nullable: true }) correctorId!: string | null;
  @Field(() => String, { nullable: true }) correctorName!: string | null;
  @Field(() => CopySnapshotLockModel, { nullable: true, description: 'The last lease granted, which may have run out by then' })
  lock!: CopySnapshotLockModel | null;
  @Field(() => [CopyPageModel]) pages!: CopyPageModel[];
  @Field(() => [CopyFlagModel]) flags!: CopyFlagModel[];
  @Field(() => [AnnotationModel]) annotations!: AnnotationModel[];
  @Field(() => [QuestionScoreModel]) scores!: QuestionScoreModel[];
  @Field(() => [QuestionRemarkModel]) remarks!: QuestionRemarkModel[];
  @Field() appreciation!: string;
  @Field(() => CopyFinalisationModel, { nullable: true }) finalised!: CopyFinalisationModel | null;
}
