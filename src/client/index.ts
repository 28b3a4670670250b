export { Client, type ClientOptions, type CurrentUser } from './client.ts';
export { RafikiClientError } from './errors.ts';
export type { UserJson, TokenJson } from '../admin/schemas/users.ts';
