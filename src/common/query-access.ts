/**
 * Who may query an inference job, in one place for the frontend that enforces
 * it and the Admin that lists what each user may query: its owner and admins
 * (who also see a template's own error messages), and app users.
 */
import { ADMIN_TYPES, type UserType } from './domain.ts';

export type QueryAccess = 'debug' | 'query' | 'none';

export function queryAccess(caller: { userId: string; userType: UserType }, ownerId: string): QueryAccess {
  if (caller.userId === ownerId || ADMIN_TYPES.includes(caller.userType)) return 'debug';
  return caller.userType === 'APP_USER' ? 'query' : 'none';
}
