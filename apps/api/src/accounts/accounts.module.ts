import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { UsersResolver } from './users.resolver.js';
import { DeactivateUserHandler } from './deactivate-user/deactivate-user.handler.js';
import { ReactivateUserHandler } from './reactivate-user/reactivate-user.handler.js';
import { ChangeUserRoleHandler } from './change-user-role/change-user-role.handler.js';

/** Staff accounts managed by the exam office (issue 3, workflow 1); sign-in itself is AuthModule's. */
@Module({
  imports: [AuthModule],
  providers: [UsersResolver, DeactivateUserHandler, ReactivateUserHandler, ChangeUserRoleHandler],
})
export class AccountsModule {}
