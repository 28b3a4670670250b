/**
 * The login kept between commands: `{adminUrl, token, user}` in the user's config
 * directory, readable by its owner only since the token acts for them.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Client } from '../client/index.ts';
import type { UserType } from '../common/domain.ts';

export interface Credentials {
  adminUrl: string;
  token: string;
  user: { id: string; email: string; userType: UserType };
}

const RELOGIN = 'run `rafiki login` again';

/** Why a command cannot act for the user; the CLI prints it and exits 1. */
export class LoginNeeded extends Error {
  override readonly name = 'LoginNeeded';
}

/** `$RAFIKI_CONFIG_DIR`, else `$XDG_CONFIG_HOME/rafiki`, else `~/.config/rafiki`. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.RAFIKI_CONFIG_DIR) return env.RAFIKI_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'rafiki');
}

export const credentialsPath = (): string => join(configDir(), 'credentials.json');

export function readCredentials(): Credentials | undefined {
  const path = credentialsPath();
  if (!existsSync(path)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Credentials>;
    if (typeof parsed.adminUrl === 'string' && typeof parsed.token === 'string' && parsed.user) return parsed as Credentials;
  } catch {
    // Damaged: fall through to the advice to log in again, which rewrites it.
  }
  throw new LoginNeeded(`the login kept in ${path} is unreadable: ${RELOGIN}`);
}

export function writeCredentials(credentials: Credentials): string {
  const path = credentialsPath();
  mkdirSync(configDir(), { recursive: true, mode: 0o700 });
  writeFileSync(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  // `mode` applies only when the file is created; an older file keeps its own.
  chmodSync(path, 0o600);
  return path;
}

/** Forgets the login; answers whether there was one. */
export function removeCredentials(): boolean {
  const path = credentialsPath();
  const existed = existsSync(path);
  rmSync(path, { force: true });
  return existed;
}

/** When the token stops being accepted, read from its (unverified) `exp` claim. */
export function tokenExpiry(token: string): Date | undefined {
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? new Date(payload.exp * 1000) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The kept login, checked for expiry here so that the user is told to log in again
 * rather than shown the Admin's 401.
 */
export function currentLogin(): Credentials {
  const credentials = readCredentials();
  if (!credentials) throw new LoginNeeded('not logged in: run `rafiki login --email you@example.com` first');
  const expiry = tokenExpiry(credentials.token);
  if (expiry && expiry.getTime() <= Date.now()) throw new LoginNeeded(`your login to ${credentials.adminUrl} expired at ${expiry.toISOString()}: ${RELOGIN}`);
  return credentials;
}

/** A client acting as the logged-in user. */
export function loggedInClient(): Client {
  const { adminUrl, token } = currentLogin();
  return new Client({ adminUrl, token });
}

/** What to add to the Admin's 401: the kept token is no longer good. */
export const RELOGIN_HINT = `your login is no longer accepted: ${RELOGIN}`;
