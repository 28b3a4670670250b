/** The quick start's demo runs (in its fast mode) and shows a trained, deployed model answering queries. */
import { expect, setDefaultTimeout, test } from 'bun:test';
import { rmSync } from 'node:fs';
import { tempDir } from './support/databases.ts';
import { spawnScript } from './support/processes.ts';

setDefaultTimeout(240_000);

test('npm run demo -- --fast trains, deploys and queries both datasets, then stops cleanly', async () => {
  const dataDir = tempDir();
  try {
    const demo = spawnScript(['scripts/demo.ts', '--fast'], { RAFIKI_DATA_DIR: dataDir, RAFIKI_ADMIN_PORT: '0', DATABASE_URL: undefined, REDIS_URL: undefined });
    const code = await demo.process.exited;
    const output = demo.output();
    expect({ code, stderr: await new Response(demo.process.stderr).text() }).toEqual({ code: 0, stderr: '' });
    const irisAccuracy = Number(output.match(/iris accuracy on 30 held-out flowers: ([\d.]+)/)?.[1]);
    const digitsAccuracy = Number(output.match(/digits accuracy on 50 held-out images: ([\d.]+)/)?.[1]);
    expect(irisAccuracy).toBeGreaterThan(0.8);
    expect(digitsAccuracy).toBeGreaterThan(0.5);
    expect(output).toMatch(/iris predictor 127\.0\.0\.1:\d+ \(2 trials, averaged\)/);
    expect(output).toContain('/openapi');
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});
