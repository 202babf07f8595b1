import { Field, Float, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'One read model and how far behind the event store it is' })
export class ProjectionStatusModel {
  @Field() name!: string;
  @Field({ description: 'Whether this process runs it (another replica may hold it)' }) running!: boolean;
  @Field({ description: 'Last $all position applied, as COMMIT/PREPARE' }) checkpoint!: string;
  @Field(() => String, { nullable: true }) lastEventAt!: string | null;
  @Field(() => BigInt) eventsSeen!: bigint;
  @Field() caughtUp!: boolean;
  @Field(() => Float) lagSeconds!: number;
  @Field(() => String, { nullable: true }) lastError!: string | null;
}

@ObjectType({ description: 'What the event store holds and how far the read models are' })
export class SystemStatusModel {
  @Field({ description: "'postgres' or 'eventstoredb'" }) storeKind!: string;
  @Field(() => BigInt) eventCount!: bigint;
  @Field(() => String, { nullable: true, description: 'Last $all position, as COMMIT/PREPARE' }) lastPosition!: string | null;
  @Field(() => String, { nullable: true }) lastEventAt!: string | null;
  @Field(() => [ProjectionStatusModel]) projections!: ProjectionStatusModel[];
}
