import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { RUNTIME } from '../tokens.js';
import type { Runtime } from '../runtime/runtime.js';
import { PortalKind } from '../auth/auth.models.js';
import { Roles } from '../auth/roles.decorator.js';
import type { RequestContext } from '../auth/request-context.js';
import { requireId } from '../shared/command-context.js';
import { badInput } from '../shared/errors.js';
import { StaffUser } from './staff-user.model.js';
import { findUser, listUsers } from './users.queries.js';
import { DeactivateUserCommand } from './deactivate-user/deactivate-user.command.js';
import { ReactivateUserCommand } from './reactivate-user/reactivate-user.command.js';
import { ChangeUserRoleCommand } from './change-user-role/change-user-role.command.js';

const REASON_MAX = 500;

@Resolver(() => StaffUser)
export class UsersResolver {
  constructor(
    @Inject(RUNTIME) private readonly runtime: Runtime,
    @Inject(CommandBus) private readonly commands: CommandBus,
  ) {}

  @Roles('admin')
  @Query(() => [StaffUser], { description: 'Staff accounts, active first, with role and last sign-in' })
  users(): Promise<StaffUser[]> {
    return listUsers(this.runtime.pool);
  }

  @Roles('admin')
  @Mutation(() => StaffUser, { description: 'Closes a staff account and ends its sessions; the last active admin cannot be closed' })
  async deactivateUser(
    @Context() ctx: RequestContext,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('reason', { type: () => String, nullable: true }) reason?: string | null,
  ): Promise<StaffUser> {
    if (reason && reason.length > REASON_MAX) throw badInput(`Motif trop long (${REASON_MAX} caractères au plus).`);
    const id = requireId(userId, 'Compte');
    await this.commands.execute(new DeactivateUserCommand(ctx.session!, id, reason ?? undefined));
    return findUser(this.runtime.pool, id);
  }

  @Roles('admin')
  @Mutation(() => StaffUser, { description: 'Reopens a closed staff account' })
  async reactivateUser(@Context() ctx: RequestContext, @Args('userId', { type: () => ID }) userId: string): Promise<StaffUser> {
    const id = requireId(userId, 'Compte');
    await this.commands.execute(new ReactivateUserCommand(ctx.session!, id));
    return findUser(this.runtime.pool, id);
  }

  @Roles('admin')
  @Mutation(() => StaffUser, {
    description: 'Makes a teacher an admin or an admin a teacher; ends the user’s sessions. The last active admin keeps the role.',
  })
  async changeUserRole(
    @Context() ctx: RequestContext,
    @Args('userId', { type: () => ID }) userId: string,
    @Args('role', { type: () => PortalKind }) role: PortalKind,
  ): Promise<StaffUser> {
    if (role === PortalKind.STUDENT) throw badInput('Un compte du personnel ne devient pas un élève.');
    const id = requireId(userId, 'Compte');
    await this.commands.execute(new ChangeUserRoleCommand(ctx.session!, id, role === PortalKind.ADMIN ? 'admin' : 'teacher'));
    return findUser(this.runtime.pool, id);
  }
}
