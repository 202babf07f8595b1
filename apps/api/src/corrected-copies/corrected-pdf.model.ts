import { Field, Int, ObjectType } from '@nestjs/graphql';
import type { CorrectedCopyPdf, CorrectedCopyVariant } from '#domain';
import { correctedCopyUrl } from '../files/file-urls.js';

@ObjectType('CorrectedCopyPdf', {
  description: 'The corrected copy as a PDF, in the variant the caller may download (anonymous for correctors)',
})
export class CorrectedPdfModel {
  @Field({ description: 'False while the PDF is being built after a finalisation' }) ready!: boolean;
  @Field(() => String, { nullable: true, description: 'The authorised download route; null until ready' }) url!: string | null;
  @Field(() => String, { nullable: true, description: 'sha256 of the file, hex' }) sha256!: string | null;
  @Field(() => Int, { nullable: true, description: 'Size in bytes' }) bytes!: number | null;
}

/** The PDF state of a copy row, in one variant (as the file route picks it): null until the copy is finalised. */
export const correctedPdfOf = (
  row: { copy_id: string; status: string; corrected_pdf?: CorrectedCopyPdf | null },
  variant: CorrectedCopyVariant,
): CorrectedPdfModel | null => {
  if (row.status !== 'finalised') return null;
  const pdf = row.corrected_pdf ?? null;
  const file = pdf ? (variant === 'named' ? pdf.named : pdf.anonymous) : null;
  return file
    ? { ready: true, url: correctedCopyUrl(row.copy_id), sha256: file.sha256, bytes: file.bytes }
    : { ready: false, url: null, sha256: null, bytes: null };
};
