/**
 * An Admin with RAFIKI_TLS_CERT and RAFIKI_TLS_KEY: its inference jobs' frontends
 * read the pair (given them as files of their spawn) and answer over TLS, to
 * clients that trust the certificate and to the Admin's own relay.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startTestAdmin, type TestAdmin } from './support/admin.ts';
import { tempDir } from './support/databases.ts';
import { finished, prepare, TASK, TINY } from './support/train-jobs.ts';

setDefaultTimeout(120_000);

describe('frontends over TLS', () => {
  let t: TestAdmin;
  let dir: string;
  let cert: string;
  beforeAll(async () => {
    dir = tempDir('rafiki-tls-');
    const [certPath, keyPath] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
    const openssl = Bun.spawn(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost'], { stdout: 'ignore', stderr: 'ignore' });
    expect(await openssl.exited).toBe(0);
    cert = await Bun.file(certPath).text();
    t = await startTestAdmin('embedded', { RAFIKI_TLS_CERT: certPath, RAFIKI_TLS_KEY: keyPath });
  });
  afterAll(async () => {
    await t?.dispose();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a deployed job answers over TLS, directly and through the Admin', async () => {
    const client = t.superadmin;
    const { dataset, models: [model] } = await prepare(client, [['tiny', TINY, 'TinyCentroid']]);
    await client.createTrainJob({ app: 'secure', task: TASK, trainDatasetId: dataset.id, valDatasetId: dataset.id, modelIds: [model!.id], budget: { MODEL_TRIAL_COUNT: 1, GPU_COUNT: 0 } });
    expect((await finished(client, 'secure')).status).toBe('STOPPED');
    const job = await client.createInferenceJob('secure');
    const direct = await fetch(`https://${job.predictor_host}/predict`, {
      method: 'POST', body: JSON.stringify({ query: [5.1, 3.5, 1.4, 0.2] }),
      headers: { authorization: `Bearer ${client.token}`, 'content-type': 'application/json' }, tls: { ca: cert },
    } as RequestInit);
    expect(direct.status).toBe(200);
    expect((await direct.json()).label).toBe('setosa');
    const relayed = await client.predictThroughPredictor(job.id, [5.1, 3.5, 1.4, 0.2]);
    expect(relayed.label).toBe('setosa');
    const untrusted = await fetch(`https://${job.predictor_host}/v2/health/live`).then(() => 'answered', (e: Error) => e.message);
    expect(untrusted).not.toBe('answered');
    await client.stopInferenceJob('secure');
  });
});
