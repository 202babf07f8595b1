import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A staff account (exam office or teacher), as the admin’s user list shows it' })
export class StaffUser {
  @Field(() => ID) userId!: string;
  @Field() email!: string;
  @Field() displayName!: string;
  @Field({ description: "'admin' or 'teacher'" }) role!: string;
  @Field() active!: boolean;
  @Field({ description: 'True until the user has replaced a temporary password' }) mustChangePassword!: boolean;
  @Field(() => String, { nullable: true }) lastSignInAt!: string | null;
  @Field() registeredAt!: string;
}
