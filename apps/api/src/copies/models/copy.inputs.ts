import { Field, Float, ID, InputType, Int } from '@nestjs/graphql';
import type { Annotation } from '#domain';
import { AnnotationKind } from './copy.models.js';

@InputType({ description: 'A page of an imported copy' })
export class ImportPageInput {
  @Field(() => ID) pageId!: string;
  @Field(() => Int, { description: 'Place in the scanned PDF (1-based)' }) number!: number;
  @Field(() => String, { nullable: true, description: 'Blob key of the rendered page image' }) imageBlobKey?: string | null;
  @Field(() => String, { nullable: true, description: 'Blob key of the same image with the header painted white (first page)' })
  maskedImageBlobKey?: string | null;
}

@InputType({ description: 'One copy cut from a scan; its id is made by the caller for idempotent retries, or by the server' })
export class ImportCopyInput {
  @Field(() => ID, { nullable: true }) copyId?: string | null;
  @Field(() => [ImportPageInput], { description: 'In reading order' }) pages!: ImportPageInput[];
}

/**
 * An annotation as the portal draws it. The fields a kind does not use stay null; the copy decider
 * checks kind by kind and refuses anything else (a score, for instance).
 */
@InputType()
export class AnnotationInput {
  @Field(() => ID, { description: 'A uuid made by the portal: a retry of the same annotation is harmless' }) annotationId!: string;
  @Field(() => ID) pageId!: string;
  @Field(() => AnnotationKind) kind!: AnnotationKind;
  @Field(() => [[Float]], { nullable: true }) points?: number[][] | null;
  @Field(() => Float, { nullable: true }) strokeWidth?: number | null;
  @Field(() => String, { nullable: true }) color?: string | null;
  @Field(() => Float, { nullable: true }) x?: number | null;
  @Field(() => Float, { nullable: true }) y?: number | null;
  @Field(() => Float, { nullable: true }) w?: number | null;
  @Field(() => Float, { nullable: true }) h?: number | null;
  @Field(() => String, { nullable: true }) text?: string | null;
}

/** The input with its unused fields left out: what the decider's parseAnnotation checks, field by field. */
export const annotationFromInput = (input: AnnotationInput): Annotation =>
  Object.fromEntries(Object.entries({ ...input }).filter(([, value]) => value !== null && value !== undefined)) as unknown as Annotation;
