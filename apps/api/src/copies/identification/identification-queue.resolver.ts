import { Inject } from '@nestjs/common';
import { Args, Field, ID, Int, ObjectType, Query, Resolver, Subscription } from '@nestjs/graphql';
import { RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { Roles } from '../../auth/roles.decorator.js';
import { pollChanges } from '../../shared/poll-changes.js';

@ObjectType({ description: 'Where the identification of an exam’s copies stands' })
export class IdentificationProgressModel {
  @Field(() => ID) examId!: string;
  @Field(() => Int) total!: number;
  @Field(() => Int, { description: 'Identified automatically from the header' }) auto!: number;
  @Field(() => Int, { description: 'Identified by a person at the desk' }) manual!: number;
  @Field(() => Int, { description: 'Still waiting at the identification desk' }) left!: number;
}

/** The identification desk's counters, as a query and as a live subscription (admins). */
@Resolver()
export class IdentificationQueueResolver {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Roles('admin')
  @Query(() => IdentificationProgressModel)
  identificationProgress(@Args('examId', { type: () => ID }) examId: string): Promise<IdentificationProgressModel> {
    return this.progress(examId);
  }

  @Roles('admin')
  @Subscription(() => IdentificationProgressModel, {
    description: 'The identification counters of an exam, sent at once and whenever they change',
    resolve: (progress: IdentificationProgressModel) => progress,
  })
  identificationQueue(@Args('examId', { type: () => ID }) examId: string): AsyncIterableIterator<IdentificationProgressModel> {
    return pollChanges(() => this.progress(examId), 1000);
  }

  private async progress(examId: string): Promise<IdentificationProgressModel> {
    const { rows } = await this.runtime.pool.query<{ total: number; auto: number; manual: number }>(
      `SELECT count(*)::int AS total,
              count(*) FILTER (WHERE student_id IS NOT NULL AND identification_method = 'auto')::int AS auto,
              count(*) FILTER (WHERE student_id IS NOT NULL AND identification_method IS DISTINCT FROM 'auto')::int AS manual
       FROM copies WHERE exam_id = $1`,
      [examId],
    );
    const { total, auto, manual } = rows[0] ?? { total: 0, auto: 0, manual: 0 };
    return { examId, total, auto, manual, left: total - auto - manual };
  }
}
