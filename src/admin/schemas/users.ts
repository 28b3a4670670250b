/** Wire schemas of /tokens and /users (Rafiki 0.2.0's field names). */
import { t, type Static } from 'elysia';
import { USER_TYPES } from '../../common/domain.ts';
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '../auth/passwords.ts';
import { oneOf } from './common.ts';

// Deliberately loose: the default superadmin is `superadmin@rafiki`, which has no dot.
const Email = t.String({ pattern: '^[^\\s@]+@[^\\s@]+$', maxLength: 254, expected: 'an email address' });
const Password = t.String({ minLength: MIN_PASSWORD_LENGTH, maxLength: MAX_PASSWORD_LENGTH });
export const UserTypeSchema = oneOf(USER_TYPES);

export const LoginBody = t.Object({ email: Email, password: t.String({ maxLength: MAX_PASSWORD_LENGTH }) }, { additionalProperties: false });
export const TokenResponse = t.Object({ user_id: t.String(), user_type: UserTypeSchema, token: t.String() });

export const CreateUserBody = t.Object({ email: Email, password: Password, user_type: UserTypeSchema }, { additionalProperties: false });
export const BanUserBody = t.Object({ email: Email }, { additionalProperties: false });

export const UserResponse = t.Object({
  id: t.String(),
  email: t.String(),
  user_type: UserTypeSchema,
  created_date: t.String(),
  banned_date: t.Union([t.String(), t.Null()]),
});

export type LoginRequest = Static<typeof LoginBody>;
export type TokenJson = Static<typeof TokenResponse>;
export type CreateUserRequest = Static<typeof CreateUserBody>;
export type UserJson = Static<typeof UserResponse>;
