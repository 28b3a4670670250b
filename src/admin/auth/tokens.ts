/** Bearer tokens: JWT HS256 carrying the user's id and type. */
import { errors, jwtVerify, SignJWT } from 'jose';
import type { UserType } from '../../common/domain.ts';
import { unauthorized } from '../../common/errors.ts';

export interface TokenClaims { userId: string; userType: UserType }

export class TokenIssuer {
  private readonly key: Uint8Array;

  constructor(secret: string, private readonly ttlSeconds: number) {
    this.key = new TextEncoder().encode(secret);
  }

  issue(claims: TokenClaims): Promise<string> {
    return new SignJWT({ user_type: claims.userType })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  /** The token's claims; a 401 RafikiError when it is forged, malformed or expired. */
  async verify(token: string): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string') throw unauthorized('invalid token: no subject');
      return { userId: payload.sub, userType: payload.user_type as UserType };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw unauthorized('token expired: log in again (POST /tokens)');
      if (error instanceof errors.JOSEError) throw unauthorized('invalid token: log in again (POST /tokens)');
      throw error;
    }
  }
}
