import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

/** The three kinds of file that leave Korrigo, one audit stream each. */
export enum FileActivityKind {
  GRADE_EXPORT = 'GRADE_EXPORT',
  CORRECTED_COPY = 'CORRECTED_COPY',
  ARCHIVE = 'ARCHIVE',
}
registerEnumType(FileActivityKind, {
  name: 'FileActivityKind',
  description: 'Grade export (Pronote, CSV, Excel), one corrected copy’s PDF, or the class ZIP of corrected copies',
});

@ObjectType('FileActivityEntry', { description: 'One file that left Korrigo: when, who, what, and the file’s hash' })
export class FileActivityEntryModel {
  @Field(() => ID, { description: 'The audit event’s id' }) eventId!: string;
  @Field(() => FileActivityKind) kind!: FileActivityKind;
  @Field({ description: 'When it happened (as the request said), else when it was recorded' }) at!: string;
  @Field(() => String, { nullable: true }) actorId!: string | null;
  @Field({ description: 'Display name of staff, "NOM Prénom" of a student, or Système' }) actorName!: string;
  @Field(() => String, { nullable: true, description: "'admin', 'teacher', 'student' or 'system'" }) actorRole!: string | null;
  @Field({ description: 'What left, in French' }) summary!: string;
  @Field(() => ID, { nullable: true, description: 'The copy downloaded (corrected copies only)' }) copyId!: string | null;
  @Field(() => String, { nullable: true, description: 'Its anonymous code: this view never names the copy’s student' })
  anonymousCode!: string | null;
  @Field(() => String, { nullable: true, description: 'Exports only: the file name sent' }) fileName!: string | null;
  @Field(() => String, { nullable: true, description: 'SHA-256 of the bytes sent, in hex' }) sha256!: string | null;
  @Field(() => String, { nullable: true, description: 'Its first 12 hex digits, as shown in tables' }) sha256Short!: string | null;
}

@ObjectType('FileActivityPage', { description: 'A page of an exam’s file journal, newest first' })
export class FileActivityPageModel {
  @Field(() => ID) examId!: string;
  @Field(() => [FileActivityEntryModel]) items!: FileActivityEntryModel[];
  @Field(() => String, { nullable: true, description: 'Pass as `after` for the next (older) page; null on the last page' })
  nextCursor!: string | null;
}
