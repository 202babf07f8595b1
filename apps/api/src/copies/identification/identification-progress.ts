import type { Pool } from 'pg';
import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'Where the identification of an exam’s copies stands' })
export class IdentificationProgressModel {
  @Field(() => ID) examId!: string;
  @Field(() => Int) total!: number;
  @Field(() => Int, { description: 'Identified automatically from the header' }) auto!: number;
  @Field(() => Int, { description: 'Identified by a person at the desk' }) manual!: number;
  @Field(() => Int, { description: 'Still waiting at the identification desk' }) left!: number;
}

/** The desk's counters, from the copies read model (merged copies have left it). */
export const identificationProgress = async (pool: Pool, examId: string): Promise<IdentificationProgressModel> => {
  const { rows } = await pool.query<{ total: number; auto: number; manual: number }>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE student_id IS NOT NULL AND identification_method = 'auto')::int AS auto,
            count(*) FILTER (WHERE student_id IS NOT NULL AND identification_method IS DISTINCT FROM 'auto')::int AS manual
     FROM copies WHERE exam_id = $1`,
    [examId],
  );
  const { total, auto, manual } = rows[0] ?? { total: 0, auto: 0, manual: 0 };
  return { examId, total, auto, manual, left: total - auto - manual };
};
