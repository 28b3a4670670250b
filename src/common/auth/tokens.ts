/**
 * Bearer tokens: JWTs signed by the Admin with an Ed25519 key (EdDSA), carrying
 * the user's id and type and an expiry. Whoever verifies them holds only the
 * public key: a query frontend can check a token but cannot mint one.
 */
import { errors, importSPKI, jwtVerify } from 'jose';
import { USER_TYPES, type UserType } from '../domain.ts';
import { unauthorized } from '../errors.ts';

export const TOKEN_ALGORITHM = 'EdDSA';

export interface TokenClaims { userId: string; userType: UserType }

/** Verified tokens kept, so that a client reusing its token costs one lookup, not one signature check. */
const CACHE_SIZE = 4096;

export class TokenVerifier {
  private readonly cache = new Map<string, TokenClaims & { expiresAt: number }>();

  private constructor(private readonly key: CryptoKey) {}

  /** From the public key as SPKI PEM. */
  static async fromPem(publicKeyPem: string): Promise<TokenVerifier> {
    return new TokenVerifier(await importSPKI(publicKeyPem, TOKEN_ALGORITHM));
  }

  /** The token's claims; a 401 RafikiError when it is forged, malformed, without an expiry or expired. */
  async verify(token: string): Promise<TokenClaims> {
    const cached = this.cache.get(token);
    if (cached && cached.expiresAt > Date.now()) return { userId: cached.userId, userType: cached.userType };
    if (cached) this.cache.delete(token);
    let claims: TokenClaims & { expiresAt: number };
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: [TOKEN_ALGORITHM], requiredClaims: ['exp', 'sub'] });
      const userType = payload.user_type;
      if (!(USER_TYPES as readonly unknown[]).includes(userType)) throw unauthorized('invalid token: log in again (POST /tokens)');
      claims = { userId: payload.sub!, userType: userType as UserType, expiresAt: payload.exp! * 1000 };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw unauthorized('token expired: log in again (POST /tokens)');
      if (error instanceof errors.JOSEError) throw unauthorized('invalid token: log in again (POST /tokens)');
      throw error;
    }
    if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(token, claims);
    return { userId: claims.userId, userType: claims.userType };
  }
}

/** The token of an `Authorization: Bearer <token>` header; a 401 naming what to send when there is none. */
export function bearerToken(authorization: string | undefined): string {
  const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) throw unauthorized('missing bearer token: log in with POST /tokens and send "Authorization: Bearer <token>"');
  return match[1];
}
