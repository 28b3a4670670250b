/**
 * Who may see and change what. A resource the caller may not see answers 404, so
 * that its existence is not revealed; one they may see but not change answers 403.
 */
import { ADMIN_TYPES } from '../common/domain.ts';
import { forbidden, notFound } from '../common/errors.ts';
import type { Caller } from './auth/guard.ts';

interface Owned { userId: string }

export const isAdmin = (caller: Caller): boolean => ADMIN_TYPES.includes(caller.userType);

export const owns = (caller: Caller, resource: Owned): boolean => resource.userId === caller.id || isAdmin(caller);

/** The resource if the caller owns it (or is an admin); 404 otherwise. */
export function ownedOr404<T extends Owned>(caller: Caller, resource: T | null, what: string): T {
  if (!resource || !owns(caller, resource)) throw notFound(`${what} not found`);
  return resource;
}

/** Public templates are visible to every user; private ones to their owner and admins. */
export function visibleModelOr404<T extends Owned & { accessRight: string }>(caller: Caller, model: T | null, id: string): T {
  if (!model || !(model.accessRight === 'PUBLIC' || owns(caller, model))) throw notFound(`model ${id} not found`);
  return model;
}

export function assertOwner(caller: Caller, resource: Owned, action: string): void {
  if (!owns(caller, resource)) throw forbidden(`only its owner or an admin can ${action}`);
}
