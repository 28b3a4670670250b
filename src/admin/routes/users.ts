/** POST /tokens (log in) and the admins' /users endpoints. */
import { Elysia, t } from 'elysia';
import { ADMIN_TYPES, type UserType } from '../../common/domain.ts';
import { conflict, forbidden, notFound, unauthorized } from '../../common/errors.ts';
import { guard, type Caller } from '../auth/guard.ts';
import { LoginThrottle } from '../auth/login-throttle.ts';
import { addressOf } from '../client-address.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import type { AdminDeps } from '../context.ts';
import { BanUserBody, CreateUserBody, LoginBody, TokenResponse, UserResponse } from '../schemas/users.ts';
import type { User } from '../store/users.ts';

export const userJson = (user: User) => ({
  id: user.id,
  email: user.email,
  user_type: user.userType,
  created_date: user.createdAt.toISOString(),
  banned_date: user.bannedAt?.toISOString() ?? null,
});

/** Admins manage everyone but admins; only a superadmin manages admins. */
function assertManages(caller: Caller, target: UserType, action: string): void {
  if (ADMIN_TYPES.includes(target) && caller.userType !== 'SUPERADMIN') {
    throw forbidden(`only a superadmin can ${action} a user of type ${target}`);
  }
}

// Verifying against a real hash when the email is unknown keeps both answers equally slow.
const decoyHash = hashPassword(crypto.randomUUID());

export const userRoutes = (deps: AdminDeps, throttle = new LoginThrottle()) =>
  new Elysia({ detail: { tags: ['users'] } } as never)
    .use(guard(deps))
    .post('/tokens', async ({ body, set, request }) => {
      // A token must not be kept by a cache between the client and the Admin.
      set.headers['cache-control'] = 'no-store';
      const address = addressOf(request);
      throttle.check(body.email, address);
      const found = await deps.store.users.credentials(body.email);
      const valid = await verifyPassword(body.password, found?.passwordHash ?? (await decoyHash));
      // A banned user's right password gets the same answer as a wrong one: the answer tells no one that it was right.
      if (!found || !valid || found.user.bannedAt) {
        throttle.failed(body.email, address);
        throw unauthorized('wrong email or password');
      }
      throttle.succeeded(body.email);
      const token = await deps.tokens.issue({ userId: found.user.id, userType: found.user.userType });
      return { user_id: found.user.id, user_type: found.user.userType, token };
    }, { body: LoginBody, response: { 200: TokenResponse }, detail: { summary: 'Log in: a Bearer token valid for one hour' } })
    .post('/users', async ({ body, caller }) => {
      assertManages(caller, body.user_type, 'create');
      const user = await deps.store.users.create({
        email: body.email,
        passwordHash: await hashPassword(body.password),
        userType: body.user_type,
      });
      if (!user) throw conflict(`a user with email ${body.email} already exists`);
      return userJson(user);
    }, { roles: ADMIN_TYPES, body: CreateUserBody, response: { 200: UserResponse }, detail: { summary: 'Create a user' } })
    .get('/users', async () => (await deps.store.users.list()).map(userJson),
      { roles: ADMIN_TYPES, response: { 200: t.Array(UserResponse) }, detail: { summary: 'List users' } })
    .delete('/users', async ({ body, caller }) => {
      const target = await deps.store.users.byEmail(body.email);
      if (!target) throw notFound(`no user with email ${body.email}`);
      if (target.id === caller.id) throw forbidden('you cannot ban yourself');
      assertManages(caller, target.userType, 'ban');
      const banned = await deps.store.users.ban(target.id);
      if (!banned) throw conflict(`${body.email} is already banned`);
      await deps.inference.ban(target.id);
      return userJson(banned);
    }, { roles: ADMIN_TYPES, body: BanUserBody, response: { 200: UserResponse }, detail: { summary: 'Ban a user' } });
