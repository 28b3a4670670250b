/**
 * Route guard: `{ roles: [...] }` on a route resolves the caller from the Bearer
 * token into `caller`, refusing with 401 (no, bad or banned token) or 403 (role),
 * and marks the route's OpenAPI operation as needing a bearer token.
 */
import { Elysia } from 'elysia';
import type { UserType } from '../../common/domain.ts';
import { bearerToken } from '../../common/auth/tokens.ts';
import { forbidden, unauthorized } from '../../common/errors.ts';
import { BEARER } from '../../common/openapi.ts';
import type { AdminDeps } from '../context.ts';
import { noteCaller } from '../request-caller.ts';
import type { User } from '../store/users.ts';

export type Caller = Pick<User, 'id' | 'email' | 'userType'>;

/** A user id as the store makes them: a signed token whose subject is anything else was not issued by this Admin. */
const USER_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function authenticate(deps: AdminDeps, authorization: string | undefined): Promise<Caller> {
  const claims = await deps.tokens.verify(bearerToken(authorization));
  if (!USER_ID.test(claims.userId)) throw unauthorized('invalid token: log in again (POST /tokens)');
  const user = await deps.store.users.byId(claims.userId);
  if (!user) throw unauthorized('invalid token: its user no longer exists');
  if (user.bannedAt) throw unauthorized('this user is banned');
  return { id: user.id, email: user.email, userType: user.userType };
}

export const guard = (deps: AdminDeps) =>
  new Elysia({ name: 'rafiki.guard', seed: deps }).macro({
    roles: (roles: readonly UserType[]) => ({
      // What the API reference shows: the bearer scheme, and who may call.
      detail: { security: BEARER, 'x-roles': roles },
      async resolve({ headers, request }) {
        const caller = await authenticate(deps, headers.authorization);
        noteCaller(request, caller.id);
        if (!roles.includes(caller.userType)) {
          throw forbidden(`this action needs one of the roles ${roles.join(', ')}; you are ${caller.userType}`);
        }
        return { caller };
      },
    }),
  });
