import { Inject } from '@nestjs/common';
import { Args, ID, Int, Query, Resolver, Subscription } from '@nestjs/graphql';
import { Roles } from '../../auth/roles.decorator.js';
import { RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { requireId } from '../../shared/command-context.js';
import { pollChanges } from '../../shared/poll-changes.js';
import { DeskCandidateModel, DeskFilter, IdentificationDeskChangeModel, IdentificationDeskModel } from './identification-desk.models.js';
import { IdentificationDeskQueries } from './identification-desk.queries.js';
import { identificationProgress } from './identification-progress.js';

/**
 * The identification desk (issue 4 part 4): the copies left to identify with what OCR read and the
 * ranked candidates, a type-ahead over the exam's classes, and a live signal when the desk changes.
 * Identifying and undoing go through identifyCopy / clearIdentification (CopyAdminResolver).
 */
@Resolver()
export class IdentificationDeskResolver {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(IdentificationDeskQueries) private readonly queries: IdentificationDeskQueries,
  ) {}

  @Roles('admin')
  @Query(() => IdentificationDeskModel, {
    description: 'The copies of an exam still to identify (or all), in scan order, with their candidates',
  })
  identificationDesk(
    @Args('examId', { type: () => ID }) examId: string,
    @Args('filter', { type: () => DeskFilter, defaultValue: DeskFilter.LEFT }) filter: DeskFilter,
    @Args('first', { type: () => Int, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ): Promise<IdentificationDeskModel> {
    return this.queries.desk(requireId(examId, 'Examen'), filter, first, after ?? null);
  }

  @Roles('admin')
  @Query(() => [DeskCandidateModel], {
    description: 'Students of the exam’s classes whose surname or first name starts with the text (case and accents ignored)',
  })
  rosterSearch(
    @Args('examId', { type: () => ID }) examId: string,
    @Args('text') text: string,
    @Args('first', { type: () => Int, defaultValue: 10 }) first: number,
  ): Promise<DeskCandidateModel[]> {
    return this.queries.rosterSearch(requireId(examId, 'Examen'), text, first);
  }

  @Roles('admin')
  @Subscription(() => IdentificationDeskChangeModel, {
    description: 'Sent at once, then whenever a copy of the exam changes (identified, read by OCR, merged…): refetch the desk',
    resolve: (change: IdentificationDeskChangeModel) => change,
  })
  identificationDeskChanged(@Args('examId', { type: () => ID }) examId: string): AsyncIterableIterator<IdentificationDeskChangeModel> {
    const id = requireId(examId, 'Examen');
    return pollChanges(async () => {
      const [progress, latest] = await Promise.all([
        identificationProgress(this.runtime.pool, id),
        this.runtime.pool.query<{ at: Date | null }>(`SELECT max(updated_at) AS at FROM copies WHERE exam_id = $1`, [id]),
      ]);
      return { examId: id, progress, changedAt: latest.rows[0]?.at?.toISOString() ?? null };
    }, 1000);
  }
}
