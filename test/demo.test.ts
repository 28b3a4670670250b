/** The quick start's demo runs (in its fast mode), shows a trained, deployed model answering queries, and says what it did and where things are. */
import { expect, setDefaultTimeout, test } from 'bun:test';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './support/databases.ts';
import { spawnScript } from './support/processes.ts';

setDefaultTimeout(240_000);

const ENV = { RAFIKI_ADMIN_PORT: '0', DATABASE_URL: undefined, REDIS_URL: undefined };

test('npm run demo -- --fast trains, deploys and queries both datasets, says what it did and where its data is, then says it has stopped', async () => {
  const dataDir = tempDir();
  try {
    const demo = spawnScript(['scripts/demo.ts', '--fast'], { ...ENV, RAFIKI_DATA_DIR: dataDir });
    const code = await demo.process.exited;
    const output = demo.output();
    expect({ code, stderr: await new Response(demo.process.stderr).text() }).toEqual({ code: 0, stderr: '' });
    const irisAccuracy = Number(output.match(/iris accuracy on 30 held-out flowers: ([\d.]+)/)?.[1]);
    const digitsAccuracy = Number(output.match(/digits accuracy on 50 held-out images: ([\d.]+)/)?.[1]);
    expect(irisAccuracy).toBeGreaterThan(0.8);
    expect(digitsAccuracy).toBeGreaterThan(0.5);
    expect(output).toMatch(/iris predictor 127\.0\.0\.1:\d+ \(2 trials, averaged\)/);
    expect(output).toContain('tuned SoftmaxRegression and TabularMlp on iris, ImageMlp on digits');
    expect(output).toContain(`data        ${dataDir} `);
    expect(output).toContain(`password in ${join(dataDir, 'superadmin.json')}`);
    expect(output).toContain('Rafiki has stopped.');
    expect(output).not.toContain('is up');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('--keep-running says Rafiki is up only while it is, with the addresses that answer, and stops on Ctrl-C', async () => {
  const dataDir = tempDir();
  try {
    const demo = spawnScript(['scripts/demo.ts', '--fast', '--keep-running'], { ...ENV, RAFIKI_DATA_DIR: dataDir });
    await demo.waitFor(/Rafiki is up until Ctrl-C/, 200_000);
    const [, admin] = (await demo.waitFor(/API +(http:\/\/\S+)\/openapi/))!;
    const [, predictor] = (await demo.waitFor(/predictors +http:\/\/(\S+)\/predict \(iris\)/))!;
    expect((await fetch(`${admin}/openapi/json`)).status).toBe(200);
    expect((await fetch(`http://${predictor}/v2/health/live`)).status).toBe(200);
    demo.process.kill('SIGINT');
    expect(await demo.process.exited).toBe(0);
    expect(demo.output()).not.toContain('Rafiki has stopped');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
