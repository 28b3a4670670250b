/** The Admin's side of tokens: it alone holds the private key that signs them (src/common/auth/tokens.ts). */
import { importPKCS8, importSPKI, SignJWT } from 'jose';
import { PROCESS_AUDIENCE, verifyProcessToken, type ProcessClaims } from '../../common/auth/process-tokens.ts';
import { TOKEN_ALGORITHM, TokenVerifier, type TokenClaims } from '../../common/auth/tokens.ts';
import type { SigningKeys } from './secrets.ts';

export class TokenIssuer {
  private constructor(
    private readonly key: CryptoKey, private readonly publicKey: CryptoKey, readonly verifier: TokenVerifier,
    readonly publicKeyPem: string, private readonly ttlSeconds: number,
  ) {}

  static async create(keys: SigningKeys, ttlSeconds: number): Promise<TokenIssuer> {
    return new TokenIssuer(
      await importPKCS8(keys.privateKeyPem, TOKEN_ALGORITHM), await importSPKI(keys.publicKeyPem, TOKEN_ALGORITHM),
      await TokenVerifier.fromPem(keys.publicKeyPem), keys.publicKeyPem, ttlSeconds,
    );
  }

  /** A token for one process started elsewhere (src/common/auth/process-tokens.ts), valid for `ttlSeconds`. */
  issueProcess(claims: ProcessClaims, ttlSeconds: number): Promise<string> {
    return new SignJWT({ kind: claims.kind, scope: claims.scope })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM })
      .setAudience(PROCESS_AUDIENCE)
      .setSubject(claims.processId)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.key);
  }

  verifyProcess(token: string): Promise<ProcessClaims> {
    return verifyProcessToken(this.publicKey, token);
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
