/**
 * Secrets made on first start and kept in the data directory (mode 0600), so that
 * no installation shares a fixed secret and a restart keeps tokens and logins valid.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const JWT_SECRET_FILE = 'jwt-secret';
export const SUPERADMIN_FILE = 'superadmin.json';

function randomSecret(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url');
}

function writePrivate(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}

/** The JWT signing secret: the given one, else the kept one, else a new one kept for next time. */
export function jwtSecret(dataDir: string, given: string | undefined): string {
  if (given) return given;
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, JWT_SECRET_FILE);
  if (existsSync(path)) return readFileSync(path, 'utf8').trim();
  const secret = randomSecret(48);
  writePrivate(path, secret);
  return secret;
}

export interface SuperadminCredentials { email: string; password: string }

/** A password for the first superadmin, saved where `bun run start` tells the user to look. */
export function newSuperadminPassword(dataDir: string, email: string): { password: string; path: string } {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, SUPERADMIN_FILE);
  const password = randomSecret(18);
  writePrivate(path, JSON.stringify({ email, password } satisfies SuperadminCredentials, null, 2) + '\n');
  return { password, path };
}
