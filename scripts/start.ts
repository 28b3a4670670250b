/**
 * `bun run start`: the Admin (with the Advisor inside it) on embedded defaults or
 * on the services the environment names. Ctrl-C stops it cleanly.
 */
import { startAdmin } from '../src/admin/server.ts';
import { configOrExit } from './lib/config.ts';

const config = configOrExit();

const admin = await startAdmin(config);
const { superadmin } = admin;
console.log(`Rafiki Admin   ${admin.url}`);
console.log(`OpenAPI        ${admin.url}/openapi`);
if (admin.processUrl) {
  const ca = admin.processUrl.startsWith('https:') ? ' [--ca <RAFIKI_TLS_CERT, or the CA that signed it>]' : '';
  console.log(`Process port   ${admin.processUrl}: agents start with bun src/worker/agent.ts --admin ${admin.processUrl} --token <RAFIKI_AGENT_TOKEN>${ca}`);
}
console.log(`Store          ${admin.store.kind === 'embedded' ? `embedded PGlite in ${config.dataDir}/db` : 'Postgres server (DATABASE_URL)'}`);
if (superadmin.credentialsFile) {
  console.log(`Superadmin     ${superadmin.email}; its generated password is in ${superadmin.credentialsFile}`);
} else if (superadmin.created) {
  console.log(`Superadmin     ${superadmin.email}, with the password of RAFIKI_SUPERADMIN_PASSWORD`);
} else {
  console.log(`Superadmin     ${superadmin.email}${config.superadminPassword ? '' : ` (first start's password: ${config.dataDir}/superadmin.json)`}`);
}

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping`);
  await admin.stop();
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
