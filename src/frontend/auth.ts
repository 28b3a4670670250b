/**
 * Who may query an inference job: its owner, admins and app users, each with a
 * token the frontend checks with the Admin's public key alone. Bans reach it
 * from the Admin as they happen (`ban`), and those of the last token lifetime
 * come with its spec.
 */
import { bearerToken, TokenVerifier } from '../common/auth/tokens.ts';
import type { UserType } from '../common/domain.ts';
import { forbidden, unauthorized } from '../common/errors.ts';
import { queryAccess } from '../common/query-access.ts';

export interface Caller {
  userId: string;
  userType: UserType;
  /** The job's owner or an admin: the one who sees the template's own error messages. */
  mayDebug: boolean;
}

export class PredictorAuth {
  private readonly banned: Set<string>;

  private constructor(private readonly verifier: TokenVerifier, private readonly ownerId: string, banned: readonly string[]) {
    this.banned = new Set(banned);
  }

  static async create(auth: { publicKey: string; ownerId: string; banned: readonly string[] }): Promise<PredictorAuth> {
    return new PredictorAuth(await TokenVerifier.fromPem(auth.publicKey), auth.ownerId, auth.banned);
  }

  ban(userId: string): void {
    this.banned.add(userId);
  }

  /** The caller of a request with this Authorization header; a 401 or 403 RafikiError otherwise. */
  async authorize(authorization: string | undefined): Promise<Caller> {
    const { userId, userType } = await this.verifier.verify(bearerToken(authorization));
    if (this.banned.has(userId)) throw unauthorized('this user is banned');
    const access = queryAccess({ userId, userType }, this.ownerId);
    if (access === 'none') throw forbidden(`this inference job answers its owner, admins and app users; you are ${userType}`);
    return { userId, userType, mayDebug: access === 'debug' };
  }
}
