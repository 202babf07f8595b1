import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum LockChangeKind {
  LOCKED = 'CopyLocked',
  RENEWED = 'LockRenewed',
  UNLOCKED = 'CopyUnlocked',
  EXPIRED = 'LockExpired',
  FORCE_RELEASED = 'LockForceReleased',
}
registerEnumType(LockChangeKind, { name: 'LockChangeKind' });

@ObjectType('CopyLockChange', { description: 'A copy’s lock changed: a holder whose lock was released turns read-only' })
export class CopyLockChangeModel {
  @Field(() => ID) copyId!: string;
  @Field(() => ID) examId!: string;
  @Field() anonymousCode!: string;
  @Field(() => LockChangeKind) change!: LockChangeKind;
  @Field(() => ID, { description: 'Who held (or now holds) the lock' }) holderId!: string;
  @Field(() => String, { nullable: true, description: 'The new lease end when locked or renewed' }) leaseUntil!: string | null;
  @Field(() => String, { nullable: true, description: 'The admin’s reason for a force-release' }) reason!: string | null;
  @Field() at!: string;
}
