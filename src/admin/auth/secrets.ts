/**
 * Secrets made on first start and kept in the data directory (mode 0600), so that
 * no installation shares a fixed secret and a restart keeps tokens and logins valid.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SIGNING_KEY_FILE = 'jwt-private-key.pem';
export const SUPERADMIN_FILE = 'superadmin.json';

function randomSecret(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url');
}

function writePrivate(path: string, content: string): void {
  writeFileSync(path, content, { mode: 0o600 });
  chmodSync(path, 0o600);
}

export interface SigningKeys { privateKeyPem: string; publicKeyPem: string }

/**
 * The Ed25519 key that signs tokens (PKCS8 PEM): the given one, else the kept
 * one, else a new one kept for next time; with its public half (SPKI PEM),
 * which is all that the processes that verify tokens get.
 */
export function signingKeys(dataDir: string, given: string | undefined): SigningKeys {
  let privateKeyPem = given;
  if (!privateKeyPem) {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const path = join(dataDir, SIGNING_KEY_FILE);
    if (existsSync(path)) privateKeyPem = readFileSync(path, 'utf8');
    else {
      privateKeyPem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
      writePrivate(path, privateKeyPem);
    }
  }
  const publicKeyPem = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
  return { privateKeyPem, publicKeyPem };
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
