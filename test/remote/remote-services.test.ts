/**
 * The services contract for processes on other hosts, run for real on this one:
 * the Admin's process port, an agent started by its command line, and for each
 * process the remote runner the agent starts, which connects back with its token,
 * fetches its files and runs the process under this host's local services. The
 * contract's behaviour suite runs on it unchanged; then what only a remote
 * process has: tokens refused, and a host that goes away.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { SignJWT, importPKCS8 } from 'jose';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Subprocess } from 'bun';
import { TokenIssuer } from '../../src/admin/auth/tokens.ts';
import { AgentPlacer } from '../../src/admin/services/remote/agent-placer.ts';
import { ProcessLinks } from '../../src/admin/services/remote/process-links.ts';
import { RemoteServices } from '../../src/admin/services/remote/remote-services.ts';
import { LocalServices } from '../../src/common/services/local.ts';
import { unsandboxed } from '../../src/common/services/sandbox.ts';
import { servicesSuite, spawnProbe } from '../../src/common/services/services-suite.ts';
import { linkSdk } from '../../src/model/sdk-link.ts';
import { ROOT } from '../support/processes.ts';
import { TEST_KEYS } from '../support/tokens.ts';
import { waitUntil } from '../support/wait.ts';

setDefaultTimeout(60_000);

const AGENT_TOKEN = crypto.randomUUID();

function startAgent(url: string, token = AGENT_TOKEN): Subprocess {
  return Bun.spawn([process.execPath, join(ROOT, 'src/worker/agent.ts'), '--admin', url, '--token', token], { cwd: ROOT, stdout: 'inherit', stderr: 'inherit' });
}

describe('remote services, placed by an agent on this host', () => {
  let issuer: TokenIssuer;
  let links: ProcessLinks;
  let placer: AgentPlacer;
  let services: RemoteServices;
  let agent: Subprocess;

  beforeAll(async () => {
    issuer = await TokenIssuer.create(TEST_KEYS, 3600);
    links = new ProcessLinks({ host: '127.0.0.1', port: 0, verify: (token) => issuer.verifyProcess(token), agentToken: AGENT_TOKEN });
    links.start();
    placer = new AgentPlacer(links);
    services = new RemoteServices({
      placer, links, local: new LocalServices({ sandbox: unsandboxed, watchEveryMs: 50 }), kinds: ['TRAIN_WORKER'],
      issueToken: (claims, ttl) => issuer.issueProcess(claims, ttl), sandbox: 'off', startTimeoutMs: 30_000,
    });
    agent = startAgent(links.url);
    await waitUntil('the agent to connect', async () => placer.hosts.length === 1, 20_000);
  });
  afterAll(async () => {
    agent?.kill();
    await links?.stop();
  });

  servicesSuite(() => services);

  test('a process token is refused when forged, expired, of a user, for a process nobody expects, or used twice', async () => {
    const connect = (token: string) => fetch(`${links.url}/processes/connect`, { headers: { authorization: `Bearer ${token}` } });
    const otherKey = await importPKCS8((await import('node:crypto')).generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'EdDSA');
    const forged = await new SignJWT({ kind: 'TRAIN_WORKER' }).setProtectedHeader({ alg: 'EdDSA' }).setAudience('rafiki-process').setSubject(crypto.randomUUID()).setExpirationTime('1h').sign(otherKey);
    const ownKey = await importPKCS8(TEST_KEYS.privateKeyPem, 'EdDSA');
    const expired = await new SignJWT({ kind: 'TRAIN_WORKER' }).setProtectedHeader({ alg: 'EdDSA' }).setAudience('rafiki-process').setSubject(crypto.randomUUID())
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60).sign(ownKey);
    const user = await issuer.issue({ userId: crypto.randomUUID(), userType: 'SUPERADMIN' });
    const unexpected = await issuer.issueProcess({ processId: crypto.randomUUID(), kind: 'TRAIN_WORKER', scope: {} }, 60);
    for (const [token, message] of [[forged, 'invalid process token'], [expired, 'process token expired'], [user, 'invalid process token'], [unexpected, 'no process is expected with this token']]) {
      const response = await connect(token!);
      expect([response.status, (await response.json()).error.message]).toEqual([401, message]);
    }
    // Once a process has connected with its token, the token lets nobody else in.
    const processId = crypto.randomUUID();
    const linked = links.expect(processId, {});
    const once = await issuer.issueProcess({ processId, kind: 'TRAIN_WORKER', scope: {} }, 60);
    const first = new WebSocket(`${links.url.replace(/^http/, 'ws')}/processes/connect`, { headers: { authorization: `Bearer ${once}` } } as unknown as string[]);
    (await linked).close();
    first.close();
    const second = await connect(once);
    expect([second.status, (await second.json()).error.message]).toEqual([401, 'this process token was used already']);
    links.forget(processId);
    const agentAsProcess = await fetch(`${links.url}/agents/connect`, { headers: { authorization: `Bearer ${unexpected}` } });
    expect(agentAsProcess.status).toBe(401);
  });

  test('a folder among its files arrives whole with this host\'s link to Rafiki; a file that imports from it is placed beside it', async () => {
    const home = mkdtempSync(join(tmpdir(), 'rafiki-sent-folder-'));
    try {
      const modules = join(home, 'node_modules');
      mkdirSync(join(modules, 'pkg'), { recursive: true });
      mkdirSync(join(modules, '.bin'));
      writeFileSync(join(modules, 'pkg/index.js'), 'module.exports = 42;\n');
      symlinkSync('../pkg/index.js', join(modules, '.bin/pkg'));
      linkSdk(modules);
      mkdirSync(join(home, 'templates'));
      writeFileSync(join(home, 'templates/app.ts'), 'export {};\n');
      const { process: child, probe } = await spawnProbe(services, undefined, { files: { modules, app: join(home, 'templates/app.ts') } });
      try {
        // Not the Admin's folder: the runner's copy, in its host's cache.
        expect(child.paths.modules).not.toBe(modules);
        expect(child.paths.modules).toContain('rafiki-folders');
        expect(await probe.read(`${child.paths.modules}/.bin/pkg`)).toEqual({ ok: true, value: 'module.exports = 42;\n' });
        expect(realpathSync(`${child.paths.modules}/rafiki`)).toBe(realpathSync(ROOT));
        expect(await probe.read(child.paths.app!)).toEqual({ ok: true, value: 'export {};\n' });
        expect(await probe.read(`${dirname(child.paths.app!)}/node_modules/pkg/index.js`)).toEqual({ ok: true, value: 'module.exports = 42;\n' });
      } finally {
        await child.stop();
      }
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  test("a process whose host goes away ends, saying so; the placement reports it", async () => {
    const { process: child, probe } = await spawnProbe(services);
    expect(await probe.double(new Float32Array([2]))).toEqual(new Float32Array([4]));
    agent.kill('SIGKILL');
    const info = await child.wait();
    expect(info.requested).toBe(false);
    expect(info.reason).toMatch(/lost its host: the agent on .* disconnected|lost contact with its host/);
    // A new agent on the host: processes are placed there again.
    agent = startAgent(links.url);
    await waitUntil('the new agent to connect', async () => placer.hosts.length === 1, 20_000);
    const again = await spawnProbe(services);
    expect(await again.probe.double(new Float32Array([3]))).toEqual(new Float32Array([6]));
    await again.process.stop();
  });

  test('with no agent connected, a spawn fails at once, saying what to start', async () => {
    agent.kill('SIGKILL');
    await waitUntil('the agent to be gone', async () => placer.hosts.length === 0, 20_000);
    const error = await spawnProbe(services).then(() => null, (e: Error) => e);
    expect(error?.message).toContain('no agent is connected: start `bun src/worker/agent.ts');
  });
});
