/**
 * The query frontend's bad-input corpus, hand-made (predictor-cases.ts), sent
 * over HTTP/1.1 and HTTP/2 to three frontends (a tabular ONNX trial, an image
 * ONNX trial, a template without ONNX) with the owner's token, an app user's
 * and none, plus odd tokens and bytes that are not HTTP at all. No answer is a
 * 5xx, every error is in its route's shape, every 400 names what it is about,
 * and the frontend still answers afterwards.
 */
import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test';
import { generateKeyPair } from 'jose';
import { connect } from 'node:net';
import type { RunningFrontend } from '../../src/frontend/frontend.ts';
import { frontendSpec, imageTrial, OWNER, OWNER_TOKEN, serve, tempDir, trainCentroid, trainTabular } from '../frontend/support.ts';
import { testToken } from '../support/tokens.ts';
import type { Case } from './corpus.ts';
import { predictorCases, predictorShapes, type PredictorModel } from './predictor-cases.ts';
import { http1, http2Transport, problems, sendAll, summary, type Result } from './send.ts';

setDefaultTimeout(300_000);

const IRIS_COLUMNS = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width'];
const BANNED = 'banned-user';
const dir = tempDir();
const served: { model: PredictorModel; frontend: RunningFrontend }[] = [];

beforeAll(async () => {
  const softmax = await trainTabular(dir.path, { id: 'softmax', file: 'iris.csv', className: 'SoftmaxRegression', knobs: { optimizer: 'adam', learningRate: 0.05, weightDecay: 1e-4, batchSize: 16, epochs: 5 } });
  const centroid = await trainCentroid(dir.path, 'centroid');
  const auth = { ownerId: OWNER, banned: [BANNED] };
  const specs: [PredictorModel, Parameters<typeof frontendSpec>[0]][] = [
    [{ app: 'iris', version: 3, shape: [4], columns: IRIS_COLUMNS }, { task: 'TABULAR_CLASSIFICATION', trials: [softmax.trial] }],
    [{ app: 'pets', version: 1, shape: [8, 8] }, { task: 'IMAGE_CLASSIFICATION', trials: [await imageTrial(dir.path, 'pixels')] }],
    [{ app: 'centroid', version: 1, shape: [4], columns: IRIS_COLUMNS }, { task: 'TABULAR_CLASSIFICATION', trials: [centroid.trial] }],
  ];
  await Promise.all(specs.map(async ([model, spec]) => {
    // A deadline that a loaded machine meets: the corpus is about what is refused, not how fast the rest is answered.
    const base = frontendSpec({ ...spec, app: model.app, appVersion: model.version, deadlineMs: 60_000 });
    served.push({ model, frontend: await serve({ ...base, auth: { ...base.auth, ...auth } }) });
  }));
});
afterAll(async () => {
  await Promise.all(served.map(({ frontend }) => frontend.stop()));
  dir.remove();
});

/** Cases with each odd Authorization header, on a route of each kind. */
async function authCases(model: PredictorModel): Promise<Case[]> {
  const { privateKey: otherKey } = await generateKeyPair('EdDSA');
  const headers: Record<string, string> = {
    'none at all': '',
    'not a JWT': 'Bearer corpus',
    'Basic': 'Basic Y29ycHVzOmNvcnB1cw==',
    'an expired token': `Bearer ${await testToken(OWNER, 'APP_DEVELOPER', { expiresAt: Math.floor(Date.now() / 1000) - 60 })}`,
    'a token signed with another key': `Bearer ${await testToken(OWNER, 'APP_DEVELOPER', { privateKey: otherKey as CryptoKey })}`,
    "another developer's token": `Bearer ${await testToken('another-developer', 'APP_DEVELOPER')}`,
    "a banned user's token": `Bearer ${await testToken(BANNED, 'APP_USER')}`,
    '8 KiB': `Bearer ${'x'.repeat(8192)}`,
  };
  const routes = predictorCases(model).filter((c) => ['query: null', 'inputs: null', 'any method'].includes(c.what) && c.method !== 'PUT');
  return routes.flatMap((c) => Object.entries(headers).map(([what, authorization]) => ({
    ...c, what: `Authorization: ${what}`, headers: { ...c.headers, ...(authorization ? { authorization } : {}) },
  })));
}

/**
 * Sends `bytes` on a fresh connection: what came back as HTTP/1.1 (the whole
 * answer, read until the server closes), the first bytes of anything else (an
 * HTTP/2 frame), or how the connection ended.
 */
function rawExchange(port: number, bytes: string | Uint8Array): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    const done = (outcome: string) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(30_000, () => done(received || 'no answer within 30 s'));
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      if (!received.startsWith('HTTP/')) return done(`not HTTP/1.1: ${JSON.stringify(received.slice(0, 40))}`);
      // A kept-alive connection stays open: the answer is whole once its Content-Length has arrived.
      const end = received.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length: *(\d+)/i.exec(received.slice(0, end))?.[1];
      if (end >= 0 && length !== undefined && Buffer.byteLength(received.slice(end + 4), 'latin1') >= Number(length)) done(received);
    });
    socket.on('end', () => done(received || 'closed'));
    socket.on('error', (error) => done(received || `closed: ${error.message}`));
    socket.write(bytes);
  });
}

describe("the query frontend's bad-input corpus", () => {
  test('sent over HTTP/1.1 and HTTP/2 with the owner\'s, an app user\'s and no token: no 5xx, errors in their shapes, every 400 names its field', async () => {
    const appUser = await testToken('an-app-user', 'APP_USER');
    const results: Result[] = [];
    for (const { model, frontend } of served) {
      const cases = predictorCases(model);
      const url = `http://127.0.0.1:${frontend.port}`;
      for (const transport of [http1(url), http2Transport(url)]) {
        for (const [as, token, sent] of [['the owner', OWNER_TOKEN, cases], ['an app user', appUser, cases], ['anonymous', null, await authCases(model)]] as const) {
          const these = await sendAll(sent, transport, { as: `${as} of ${model.app}`, ...(token ? { authorization: `Bearer ${token}` } : {}) });
          console.log(`${as} of ${model.app} over ${transport.name}: ${summary(these)}`);
          results.push(...these);
        }
        transport.close();
      }
    }
    console.log(`in all: ${summary(results)}`);
    expect(problems(results, predictorShapes)).toEqual([]);
  });

  test('bytes that are not HTTP, or broken HTTP, end their own connection and nothing else', async () => {
    const { frontend } = served[0]!;
    const outcomes: Record<string, string> = {};
    const exchanges: Record<string, string | Uint8Array> = {
      'garbage': 'corpus corpus corpus\r\n\r\n',
      'a request line without a version': 'GET /v2/health/live\r\n\r\n',
      'a header without a colon': 'GET /v2/health/live HTTP/1.1\r\nHost x\r\n\r\n',
      'a NUL in a header': 'GET /v2/health/live HTTP/1.1\r\nHost: a\u0000b\r\n\r\n',
      'a negative content length': 'POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n',
      'two content lengths': 'POST /predict HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      'a bad chunk size': 'POST /predict HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
      'the HTTP/2 preface, then garbage': Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), Buffer.from('corpus corpus corpus corpus')]),
      'half the HTTP/2 preface': 'PRI * HTTP/2.0\r\n',
      'TLS to a cleartext port': Buffer.from('160301002a0100002603030000000000000000000000000000000000000000000000000000000000000000000002', 'hex'),
    };
    for (const [what, bytes] of Object.entries(exchanges)) outcomes[what] = await rawExchange(frontend.port, bytes);
    console.log(outcomes);
    // An HTTP/1.1 answer is never a 5xx, and a 4xx carries the one error shape; the frontend still serves afterwards.
    for (const [what, outcome] of Object.entries(outcomes)) {
      const [head = '', body = ''] = outcome.split('\r\n\r\n');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1];
      if (status === undefined) continue;
      expect([what, status[0]]).not.toEqual([what, '5']);
      if (status[0] === '4') expect([what, JSON.parse(body)]).toEqual([what, { error: { code: 'BAD_REQUEST', message: expect.any(String) } }]);
    }
    const live = await fetch(`http://127.0.0.1:${frontend.port}/v2/health/live`);
    expect(live.status).toBe(200);
  });
});
