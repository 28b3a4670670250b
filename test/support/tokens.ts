/** Tokens for tests that run a frontend without an Admin: a key pair of the tests' own, and tokens it signs. */
import { SignJWT, importPKCS8 } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import type { UserType } from '../../src/common/domain.ts';

const pair = generateKeyPairSync('ed25519');
export const TEST_KEYS = {
  privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
};
const key = await importPKCS8(TEST_KEYS.privateKeyPem, 'EdDSA');

/** A token of the tests' key for this user, valid for an hour unless `expiresAt` (seconds since the epoch) says otherwise. */
export function testToken(userId: string, userType: UserType, { expiresAt, privateKey = key }: { expiresAt?: number; privateKey?: CryptoKey } = {}): Promise<string> {
  return new SignJWT({ user_type: userType }).setProtectedHeader({ alg: 'EdDSA' }).setSubject(userId).setIssuedAt()
    .setExpirationTime(expiresAt ?? '1h').sign(privateKey);
}
