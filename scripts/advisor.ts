/**
 * `bun run advisor`: the Advisor alone, on RAFIKI_ADVISOR_PORT (3002). Point an
 * Admin at it with RAFIKI_ADVISOR_URL=http://host:3002.
 */
import { startAdvisorServer } from '../src/advisor/server.ts';
import { configOrExit } from './lib/config.ts';

const config = configOrExit();
const server = startAdvisorServer({ port: config.advisorPort, hostname: config.host });
console.log(`Rafiki Advisor ${server.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void server.stop().then(() => process.exit(0)));
}
