/** The Admin's side of tokens: it alone holds the private key that signs them (src/common/auth/tokens.ts). */
import { importPKCS8, SignJWT } from 'jose';
import { TOKEN_ALGORITHM, TokenVerifier, type TokenClaims } from '../../common/auth/tokens.ts';
import type { SigningKeys } from './secrets.ts';

export class TokenIssuer {
  private constructor(private readonly key: CryptoKey, readonly verifier: TokenVerifier, readonly publicKeyPem: string, private readonly ttlSeconds: number) {}

  static async create(keys: SigningKeys, ttlSeconds: number): Promise<TokenIssuer> {
    return new TokenIssuer(await importPKCS8(keys.privateKeyPem, TOKEN_ALGORITHM), await TokenVerifier.fromPem(keys.publicKeyPem), keys.publicKeyPem, ttlSeconds);
  }

  issue(claims: TokenClaims): Promise<string> {
    return new SignJWT({ user_type: claims.userType })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM })
      .setSubject(claims.userId)
      .setIssuedAt()
      .setExpirationTime(`${this.ttlSeconds}s`)
      .sign(this.key);
  }

  verify(token: string): Promise<TokenClaims> {
    return this.verifier.verify(token);
  }
}
