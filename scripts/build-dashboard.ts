/** `npm run build` (and `npm install`, through `prepare`): the dashboard's static files into dist/dashboard. */
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { buildDashboard } from '../src/admin/dashboard/build.ts';

const outputs = await buildDashboard();
let total = 0;
for (const path of outputs) {
  const gzipped = gzipSync(readFileSync(path)).byteLength;
  total += gzipped;
  console.log(`${basename(path).padEnd(28)} ${(gzipped / 1024).toFixed(1).padStart(6)} kB gzip`);
}
console.log(`${'dashboard'.padEnd(28)} ${(total / 1024).toFixed(1).padStart(6)} kB gzip in all`);
