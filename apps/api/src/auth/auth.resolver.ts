import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { Inject } from '@nestjs/common';
import { AuthService } from './auth.service.js';
import { StudentPasswordService } from './student-password.service.js';
import { IssuedPassword, PortalKind, Viewer } from './auth.models.js';
import { AllowBeforePasswordChange, Public, Roles } from './roles.decorator.js';
import type { RequestContext } from './request-context.js';
import { generateOneTimeCode } from './password.js';
import { badInput, unauthenticated } from '../shared/errors.js';
import { actorOf } from '../shared/command-context.js';

@Resolver()
export class AuthResolver {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(StudentPasswordService) private readonly studentPasswords: StudentPasswordService,
  ) {}

  @Public()
  @Mutation(() => Viewer, { description: 'Signs in through one portal; sets the session cookie (httpOnly) and the CSRF cookie' })
  async signIn(
    @Context() ctx: RequestContext,
    @Args('portal', { type: () => PortalKind }) portal: PortalKind,
    @Args('login') login: string,
    @Args('password') password: string,
  ): Promise<Viewer> {
    if (login.length > 254 || password.length > 256) throw badInput('Identifiant ou mot de passe trop long.');
    await this.auth.signIn(ctx, portal, login, password);
    return this.viewer(ctx);
  }

  @Public()
  @Query(() => Viewer, { nullable: true, description: 'The signed-in person, or null' })
  async me(@Context() ctx: RequestContext): Promise<Viewer | null> {
    return ctx.session ? this.viewer(ctx) : null;
  }

  @Roles('admin', 'teacher', 'student')
  @AllowBeforePasswordChange()
  @Mutation(() => Boolean)
  async signOut(@Context() ctx: RequestContext): Promise<boolean> {
    await this.auth.signOut(ctx);
    return true;
  }

  @Roles('admin', 'teacher', 'student')
  @AllowBeforePasswordChange()
  @Mutation(() => Viewer, {
    description:
      'Replaces the password (a student’s first time: the one-time access code as currentPassword); ends the account’s other sessions',
  })
  async changePassword(
    @Context() ctx: RequestContext,
    @Args('currentPassword') current: string,
    @Args('newPassword') next: string,
  ): Promise<Viewer> {
    if (current.length > 256 || next.length > 256) throw badInput('Mot de passe trop long.');
    if (ctx.session?.role === 'student') await this.studentPasswords.change(ctx, current, next);
    else await this.auth.changeStaffPassword(ctx, current, next);
    return this.viewer(ctx);
  }

  @Roles('admin')
  @Mutation(() => IssuedPassword, {
    description: 'Creates a teacher or admin account with a temporary password to hand over (changed at first sign-in)',
  })
  async createUser(
    @Context() ctx: RequestContext,
    @Args('email') email: string,
    @Args('displayName') displayName: string,
    @Args('role', { type: () => PortalKind }) role: PortalKind,
  ): Promise<IssuedPassword> {
    if (role === PortalKind.STUDENT) throw badInput('Les élèves viennent de l’import du registre, pas de la création de comptes.');
    const temporaryPassword = generateOneTimeCode();
    const userId = await this.auth.registerUser(actorOf(ctx.session!), {
      email,
      displayName,
      role,
      password: temporaryPassword,
      mustChangePassword: true,
    });
    return { userId, temporaryPassword };
  }

  @Roles('admin')
  @Mutation(() => IssuedPassword, { description: 'Issues a temporary password that must be changed at the next sign-in' })
  async resetUserPassword(@Context() ctx: RequestContext, @Args('userId', { type: () => ID }) userId: string): Promise<IssuedPassword> {
    const temporaryPassword = await this.auth.resetStaffPassword(ctx.session!, userId);
    return { userId, temporaryPassword };
  }

  private async viewer(ctx: RequestContext): Promise<Viewer> {
    const session = ctx.session;
    if (!session) throw unauthenticated();
    return {
      id: session.userId,
      role: session.role,
      displayName: await this.auth.displayName(session),
      mustChangePassword: session.mustChangePassword,
      csrfToken: session.csrfToken,
      sessionExpiresAt: session.expiresAt,
    };
  }
}
