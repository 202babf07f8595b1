import { Inject } from '@nestjs/common';
import { Args, Field, ID, Int, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { Roles } from '../auth/roles.decorator.js';
import { correctedCopiesArchiveUrl } from '../files/file-urls.js';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { requireId } from '../shared/command-context.js';
import { notFound } from '../shared/errors.js';

@ObjectType('CorrectedCopiesArchive', { description: 'The ZIP of an exam’s corrected PDFs, and how many are ready' })
export class CorrectedCopiesArchiveModel {
  @Field({ description: 'The authorised download route (exam office only)' }) url!: string;
  @Field(() => Int, { description: 'Copies of the exam' }) copies!: number;
  @Field(() => Int, { description: 'Copies whose corrected PDF is built' }) ready!: number;
  @Field(() => Int, { description: 'Finalised copies whose PDF is being built' }) pending!: number;
}

/** What the exam office's download button shows before the ZIP is asked for (issue 6). */
@Resolver()
export class CorrectedCopiesResolver {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Roles('admin')
  @Query(() => CorrectedCopiesArchiveModel, { description: 'The class ZIP of corrected PDFs of an exam' })
  async correctedCopiesArchive(@Args('examId', { type: () => ID }) examId: string): Promise<CorrectedCopiesArchiveModel> {
    const id = requireId(examId, 'Examen');
    const { rows } = await this.runtime.pool.query<{ known: boolean; copies: number; ready: number; pending: number }>(
      `SELECT EXISTS (SELECT 1 FROM copy_exams WHERE exam_id = $1) AS known, count(c.copy_id)::int AS copies,
         count(c.corrected_pdf)::int AS ready, (count(*) FILTER (WHERE c.finalised AND c.corrected_pdf IS NULL))::int AS pending
       FROM copies c WHERE c.exam_id = $1`,
      [id],
    );
    const row = rows[0];
    if (!row?.known) throw notFound('Examen introuvable.');
    return { url: correctedCopiesArchiveUrl(id), copies: row.copies, ready: row.ready, pending: row.pending };
  }
}
