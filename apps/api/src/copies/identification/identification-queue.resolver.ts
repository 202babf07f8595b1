import { Inject } from '@nestjs/common';
import { Args, ID, Query, Resolver, Subscription } from '@nestjs/graphql';
import { RUNTIME } from '../../tokens.js';
import type { Runtime } from '../../runtime/runtime.js';
import { Roles } from '../../auth/roles.decorator.js';
import { pollChanges } from '../../shared/poll-changes.js';
import { IdentificationProgressModel, identificationProgress } from './identification-progress.js';

/** The identification desk's counters, as a query and as a live subscription (admins). */
@Resolver()
export class IdentificationQueueResolver {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Roles('admin')
  @Query(() => IdentificationProgressModel)
  identificationProgress(@Args('examId', { type: () => ID }) examId: string): Promise<IdentificationProgressModel> {
    return identificationProgress(this.runtime.pool, examId);
  }

  @Roles('admin')
  @Subscription(() => IdentificationProgressModel, {
    description: 'The identification counters of an exam, sent at once and whenever they change',
    resolve: (progress: IdentificationProgressModel) => progress,
  })
  identificationQueue(@Args('examId', { type: () => ID }) examId: string): AsyncIterableIterator<IdentificationProgressModel> {
    return pollChanges(() => identificationProgress(this.runtime.pool, examId), 1000);
  }
}
