import { Inject } from '@nestjs/common';
import { Query, Resolver, Subscription } from '@nestjs/graphql';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { ProjectionStatusModel, SystemStatusModel } from './system-status.model.js';
import { pollChanges } from '../shared/poll-changes.js';
import { Roles } from '../auth/roles.decorator.js';
import { readSystemStatus } from './system-status.js';

@Resolver(() => SystemStatusModel)
export class SystemResolver {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
  ) {}

  @Roles('admin')
  @Query(() => SystemStatusModel, { description: 'Event store figures and each projection’s checkpoint and lag' })
  systemStatus(): Promise<SystemStatusModel> {
    return readSystemStatus(this.runtime, this.runner);
  }

  @Roles('admin')
  @Subscription(() => [ProjectionStatusModel], {
    description: 'Each projection’s checkpoint and lag, sent at once and then whenever they change (checked every second)',
    resolve: (statuses: ProjectionStatusModel[]) => statuses,
  })
  projectionLag(): AsyncIterableIterator<ProjectionStatusModel[]> {
    return pollChanges(async () => (await readSystemStatus(this.runtime, this.runner)).projections, 1000);
  }
}
