/**
 * An Admin with RAFIKI_SERVICES=agents and a TLS pair: its process port serves
 * TLS and gives its https:// address. An agent started with `--ca` (the
 * self-signed certificate) links over wss and passes the same `--ca` to the
 * runners it starts, whose trials complete; the agent's NODE_EXTRA_CA_CERTS
 * serves as well. An agent or a runner that does not trust the certificate
 * ends at once, saying so and what to give.
 */
import { afterAll, afterEach, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import type { Subprocess } from 'bun';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { processPortTls } from '../../src/admin/services/open-services.ts';
import { startTestAdmin, type TestAdmin } from '../support/admin.ts';
import { tempDir } from '../support/databases.ts';
import { ROOT } from '../support/processes.ts';
import { BEHAVIOURS, finished, prepare, TASK, TINY, workerPids } from '../support/train-jobs.ts';
import { waitUntil } from '../support/wait.ts';

setDefaultTimeout(60_000);

const AGENT_TOKEN = `agents-${crypto.randomUUID()}`;
const AGENT = join(ROOT, 'src/worker/agent.ts');
const RUNNER = join(ROOT, 'src/worker/remote-runner.ts');

/** The command line of a process's parent. */
function parentCommand(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  return readFileSync(`/proc/${ppid}/cmdline`, 'utf8').replaceAll('\0', ' ').trimEnd();
}

/** Starts an agent, once it says it is linked to the Admin (what it prints then goes on to this test's output). */
async function linkedAgent(url: string, args: string[], options: { cwd: string; env?: Record<string, string | undefined> }): Promise<Subprocess> {
  const child = Bun.spawn([process.execPath, AGENT, '--admin', url, '--token', AGENT_TOKEN, ...args], { ...options, stdout: 'pipe', stderr: 'inherit' });
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let said = '';
  while (!said.includes('agent: linked to the Admin')) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the agent ended before it linked: ${said}`);
    said += decoder.decode(value, { stream: true });
  }
  void (async () => {
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) process.stdout.write(chunk.value);
  })();
  return child;
}

async function ended(child: Subprocess<'ignore', 'ignore', 'pipe'>): Promise<{ code: number; stderr: string }> {
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()]);
  return { code, stderr };
}

describe('the process port over TLS', () => {
  let t: TestAdmin;
  let dir: string;
  let certPath: string;
  let agent: Subprocess | undefined;
  beforeAll(async () => {
    dir = tempDir('rafiki-process-tls-');
    certPath = join(dir, 'cert.pem');
    const keyPath = join(dir, 'key.pem');
    const openssl = Bun.spawn(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdout: 'ignore', stderr: 'ignore' });
    expect(await openssl.exited).toBe(0);
    t = await startTestAdmin('embedded', {
      RAFIKI_SERVICES: 'agents', RAFIKI_PROCESS_PORT: '0', RAFIKI_AGENT_TOKEN: AGENT_TOKEN, RAFIKI_TLS_CERT: certPath, RAFIKI_TLS_KEY: keyPath,
    });
  });
  afterEach(async () => {
    agent?.kill();
    await agent?.exited;
    agent = undefined;
  });
  afterAll(async () => {
    await t?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('serves TLS alone, at the https:// address it gives', async () => {
    const url = t.admin.processUrl!;
    expect(url).toStartWith('https://127.0.0.1:');
    const trusted = await fetch(`${url}/agents/connect`, { tls: { ca: readFileSync(certPath, 'utf8') } } as RequestInit);
    expect(trusted.status).toBe(401);
    expect(await fetch(`${url}/agents/connect`).then(() => 'answered', (e: Error) => e.message)).toMatch(/self.signed certificate/);
    expect(await fetch(`${url.replace(/^https/, 'http')}/agents/connect`).then(() => 'answered', () => 'refused')).toBe('refused');
  });

  test('an agent or a runner that does not trust its certificate ends at once, saying what to give', async () => {
    const withoutCa = await ended(Bun.spawn([process.execPath, AGENT, '--admin', t.admin.processUrl!, '--token', AGENT_TOKEN], { cwd: ROOT, stdout: 'ignore', stderr: 'pipe' }));
    expect(withoutCa.code).toBe(1);
    expect(withoutCa.stderr).toContain("The Admin's certificate is not trusted here; start with --ca <a PEM file>");
    const runner = await ended(Bun.spawn([process.execPath, RUNNER, '--admin', t.admin.processUrl!, '--token', 'not.a.token'], { cwd: ROOT, stdout: 'ignore', stderr: 'pipe' }));
    expect(runner.code).toBe(1);
    expect(runner.stderr).toMatch(/no link to the Admin: .*self.signed certificate\. The Admin's certificate is not trusted here; start with --ca/);
    // With the certificate, the same runner gets as far as its token.
    const trusting = await ended(Bun.spawn([process.execPath, RUNNER, '--admin', t.admin.processUrl!, '--token', 'not.a.token', '--ca', certPath], { cwd: ROOT, stdout: 'ignore', stderr: 'pipe' }));
    expect(trusting.code).toBe(1);
    expect(trusting.stderr).toMatch(/no link to the Admin: .*401/);
    const notPem = await ended(Bun.spawn([process.execPath, AGENT, '--admin', t.admin.processUrl!, '--token', AGENT_TOKEN, '--ca', AGENT], { cwd: ROOT, stdout: 'ignore', stderr: 'pipe' }));
    expect(notPem).toEqual({ code: 2, stderr: expect.stringContaining('must be a PEM file of certificates') });
  });

  test("a job's trials run in runners its agent gave the same --ca, and complete", async () => {
    // A path relative to where the agent starts: its runners start elsewhere.
    agent = await linkedAgent(t.admin.processUrl!, ['--ca', 'cert.pem'], { cwd: dir });
    const client = t.superadmin;
    const { dataset, models: [slow, tiny] } = await prepare(client, [['slow', BEHAVIOURS, 'SlowCentroid'], ['tiny', TINY, 'TinyCentroid']]);
    await client.createTrainJob({ app: 'secure', task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [slow!.id], budget: { MODEL_TRIAL_COUNT: 3, GPU_COUNT: 0 } });
    const pids = await waitUntil('its worker', async () => {
      const running = workerPids(await client.getTrainJob('secure'));
      return running.length > 0 ? running : null;
    });
    expect(parentCommand(pids[0]!)).toMatch(new RegExp(`src/worker/remote-runner\\.ts --admin https://\\S+ --token \\S+ --ca ${certPath}$`));
    expect((await finished(client, 'secure')).status).toBe('STOPPED');
    expect((await client.getTrials('secure')).filter((x) => x.status === 'COMPLETED')).toHaveLength(3);

    // Trust from NODE_EXTRA_CA_CERTS serves the agent, and its runners, as well.
    agent.kill();
    await agent.exited;
    agent = await linkedAgent(t.admin.processUrl!, [], { cwd: ROOT, env: { ...process.env, NODE_EXTRA_CA_CERTS: certPath } });
    await client.createTrainJob({ app: 'extra', task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [tiny!.id], budget: { MODEL_TRIAL_COUNT: 1, GPU_COUNT: 0 } });
    expect((await finished(client, 'extra')).status).toBe('STOPPED');
    expect((await client.getTrials('extra')).map((x) => x.status)).toEqual(['COMPLETED']);
  });
});

test('the process port serves TLS with the pair, unless RAFIKI_PROCESS_URL says http://', () => {
  const dir = tempDir('rafiki-process-tls-');
  try {
    const pair = { tlsCert: join(dir, 'cert.pem'), tlsKey: join(dir, 'key.pem') };
    writeFileSync(pair.tlsCert, 'the certificate');
    writeFileSync(pair.tlsKey, 'the key');
    const served = { cert: 'the certificate', key: 'the key' };
    expect(processPortTls({ ...pair, processUrl: undefined })).toEqual(served);
    expect(processPortTls({ ...pair, processUrl: 'https://admin:3003' })).toEqual(served);
    expect(processPortTls({ ...pair, processUrl: 'HTTP://admin:3003' })).toBeUndefined();
    expect(processPortTls({ tlsCert: undefined, tlsKey: undefined, processUrl: 'https://proxy:443' })).toBeUndefined();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
