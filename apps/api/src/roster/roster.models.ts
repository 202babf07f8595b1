import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';

@ObjectType({ description: 'A student of the school, as the exam office manages the roster' })
export class Student {
  @Field(() => ID) studentId!: string;
  @Field({ description: 'The short login printed on the access slip (e-mail and INE work too)' }) login!: string;
  @Field() lastName!: string;
  @Field() firstName!: string;
  @Field({ description: 'YYYY-MM-DD' }) birthDate!: string;
  @Field() className!: string;
  @Field(() => String, { nullable: true }) group!: string | null;
  @Field(() => String, { nullable: true }) email!: string | null;
  @Field(() => String, { nullable: true }) ine!: string | null;
  @Field() withdrawn!: boolean;
  @Field({ description: 'Whether the student has chosen a password' }) hasPassword!: boolean;
  @Field({ description: 'A one-time access code was issued and not used yet' }) accessCodePending!: boolean;
  @Field(() => String, { nullable: true }) accessExpiresAt!: string | null;
}

@ObjectType({ description: 'A class of the roster and how many students (not withdrawn) it has' })
export class SchoolClass {
  @Field() name!: string;
  @Field(() => Int) count!: number;
}

export enum RosterLineStatus {
  CREATED = 'created',
  UPDATED = 'updated',
  UNCHANGED = 'unchanged',
  ERROR = 'error',
}
registerEnumType(RosterLineStatus, { name: 'RosterLineStatus', description: 'What an import did with one line of the file' });

@ObjectType({ description: 'One line of an imported roster file: imported whole, or not at all' })
export class RosterImportLine {
  @Field(() => Int, { description: 'Line number in the file (1-based)' }) line!: number;
  @Field(() => RosterLineStatus) status!: RosterLineStatus;
  @Field(() => String, { nullable: true }) message!: string | null;
  @Field(() => ID, { nullable: true }) studentId!: string | null;
}

@ObjectType({ description: 'What a roster import did, line by line' })
export class RosterImportReport {
  @Field(() => String, { nullable: true, description: "'pronote' or 'plain'; null for an empty file" }) format!: string | null;
  @Field({ description: 'True when nothing was written: the report says what an import would do' }) dryRun!: boolean;
  @Field(() => Int) created!: number;
  @Field(() => Int) updated!: number;
  @Field(() => Int) unchanged!: number;
  @Field(() => Int) errors!: number;
  @Field(() => [RosterImportLine], { description: 'Every student line and every refused line, by line number' }) lines!: RosterImportLine[];
}

@ObjectType({ description: 'A one-time access code, shown once: print it and hand it to the student' })
export class StudentAccessSlip {
  @Field(() => ID) studentId!: string;
  @Field() login!: string;
  @Field() code!: string;
  @Field() lastName!: string;
  @Field() firstName!: string;
  @Field() className!: string;
  @Field() expiresAt!: string;
}
