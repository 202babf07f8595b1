import { Inject } from '@nestjs/common';
import { Query, Resolver } from '@nestjs/graphql';
import type { ProjectionRunner } from '#projections';
import { PROJECTION_RUNNER, RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { SystemStatusModel } from './system-status.model.js';
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
}
