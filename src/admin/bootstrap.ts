/** What the first start creates: the superadmin. */
import type { Config } from '../common/config.ts';
import { hashPassword } from './auth/passwords.ts';
import { newSuperadminPassword } from './auth/secrets.ts';
import type { Store } from './store/store.ts';

export interface SuperadminOutcome {
  email: string;
  /** Set when the superadmin was made now with a generated password, kept in this file. */
  credentialsFile?: string;
  created: boolean;
}

export async function ensureSuperadmin(store: Store, config: Config): Promise<SuperadminOutcome> {
  const email = config.superadminEmail;
  if (await store.users.byEmail(email)) return { email, created: false };
  let password = config.superadminPassword;
  let credentialsFile: string | undefined;
  if (!password) ({ password, path: credentialsFile } = newSuperadminPassword(config.dataDir, email));
  // Another process may have created it meanwhile; create() then answers null, which is fine.
  const user = await store.users.create({ email, passwordHash: await hashPassword(password), userType: 'SUPERADMIN' });
  return { email, created: user !== null, ...(credentialsFile ? { credentialsFile } : {}) };
}
