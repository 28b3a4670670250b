/**
 * The Rafiki SDK: every call of the Admin's REST API as a typed method.
 *
 * @example
 * const client = new Client({ adminUrl: 'http://localhost:3000' });
 * await client.login('superadmin@rafiki', password);
 * await client.createUser({ email: 'dev@example.com', password: 'a long password', userType: 'APP_DEVELOPER' });
 */
import type { UserType } from '../common/domain.ts';
import type { TokenJson, UserJson } from '../admin/schemas/users.ts';
import { RafikiClientError } from './errors.ts';
import { AdminHttp } from './http.ts';

export interface ClientOptions {
  /** Default `http://localhost:3000`. */
  adminUrl?: string;
  /** A token from an earlier login. */
  token?: string;
}

export interface CurrentUser { id: string; userType: UserType }

export class Client {
  protected readonly http: AdminHttp;
  private user: CurrentUser | undefined;

  constructor({ adminUrl = 'http://localhost:3000', token }: ClientOptions = {}) {
    this.http = new AdminHttp(adminUrl);
    this.http.token = token;
  }

  get token(): string | undefined {
    return this.http.token;
  }

  async login(email: string, password: string): Promise<CurrentUser> {
    const data = await this.http.request<TokenJson>('POST', '/tokens', { json: { email, password } });
    this.http.token = data.token;
    this.user = { id: data.user_id, userType: data.user_type };
    return this.user;
  }

  logout(): void {
    this.http.token = undefined;
    this.user = undefined;
  }

  /** The logged-in user; throws when not logged in. */
  getCurrentUser(): CurrentUser {
    if (!this.user) throw new RafikiClientError(401, 'UNAUTHORIZED', 'not logged in: call login() first');
    return this.user;
  }

  createUser(user: { email: string; password: string; userType: UserType }): Promise<UserJson> {
    return this.http.request('POST', '/users', { json: { email: user.email, password: user.password, user_type: user.userType } });
  }

  getUsers(): Promise<UserJson[]> {
    return this.http.request('GET', '/users');
  }

  banUser(email: string): Promise<UserJson> {
    return this.http.request('DELETE', '/users', { json: { email } });
  }
}
