/** What every Admin route can reach: the store, the token issuer, the settings. */
import { Elysia } from 'elysia';
import type { Config } from '../common/config.ts';
import type { TokenIssuer } from './auth/tokens.ts';
import type { Store } from './store/store.ts';

export interface AdminDeps {
  store: Store;
  tokens: TokenIssuer;
  config: Config;
}

export const adminContext = (deps: AdminDeps) => new Elysia({ name: 'rafiki.admin-context', seed: deps }).decorate('deps', deps);
