import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

export enum PortalKind {
  ADMIN = 'admin',
  TEACHER = 'teacher',
  STUDENT = 'student',
}
registerEnumType(PortalKind, { name: 'Portal', description: 'The three sign-in entries: each refuses the other roles' });

@ObjectType({ description: 'The signed-in person' })
export class Viewer {
  @Field(() => ID) id!: string;
  @Field({ description: "'admin', 'teacher' or 'student'" }) role!: string;
  @Field() displayName!: string;
  @Field({ description: 'True until the person has replaced a temporary password or access code' }) mustChangePassword!: boolean;
  @Field({ description: 'Echo it in the X-CSRF-Token header of every later request' }) csrfToken!: string;
  @Field() sessionExpiresAt!: string;
}

@ObjectType({ description: 'A password shown once to the admin who created or reset the account' })
export class IssuedPassword {
  @Field(() => ID) userId!: string;
  @Field() temporaryPassword!: string;
}
