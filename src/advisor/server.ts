/**
 * The Advisor on its own port (`bun run advisor`, scripts/advisor.ts); in the
 * Admin's process it is used through `localAdvisor` instead.
 */
import { createAdvisorApp } from './app.ts';
import { SessionStore } from './sessions.ts';

export interface AdvisorServerOptions {
  /** 0 picks a free port. */
  port?: number;
  hostname?: string;
  sessions?: SessionStore;
}

/**
 * @example
 * const server = startAdvisorServer({ port: 0 });
 * const advisor = httpAdvisor(server.url);
 * // ...
 * await server.stop();
 */
export function startAdvisorServer({
  port = 3002,
  hostname = '127.0.0.1',
  sessions = new SessionStore(),
}: AdvisorServerOptions = {}): { url: string; port: number; stop: () => Promise<void> } {
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`port must be an integer in [0, 65535] but got ${port}`);
  const app = createAdvisorApp(sessions);
  const server = Bun.serve({ port, hostname, fetch: (request) => app.handle(request) });
  const actualPort = server.port ?? port;
  return {
    url: `http://${hostname}:${actualPort}`,
    port: actualPort,
    stop: () => server.stop(true),
  };
}
