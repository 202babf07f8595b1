import { SetMetadata } from '@nestjs/common';
import type { SessionRole } from './sessions.js';

export const ROLES_KEY = 'korrigo:roles';
export const PUBLIC_KEY = 'korrigo:public';

/** Who may call a resolver or route. Every operation declares it: the guard refuses the undeclared. */
export const Roles = (...roles: SessionRole[]) => SetMetadata(ROLES_KEY, roles);

/** Callable without a session (sign-in, health). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Still callable while the session must change its password (me, changePassword, signOut). */
export const AllowBeforePasswordChange = () => SetMetadata('korrigo:allowBeforePasswordChange', true);
