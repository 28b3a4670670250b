import { afterAll, describe, expect, test } from 'bun:test';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dir, '../..');
const dir = mkdtempSync(join(tmpdir(), 'rafiki-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const [header, ...rows] = readFileSync(join(root, 'test/fixtures/iris.csv'), 'utf8').trim().split('\n');
const train = join(dir, 'train.csv');
const val = join(dir, 'val.csv');
writeFileSync(train, [header, ...rows.filter((_, i) => i % 5 !== 0)].join('\n'));
writeFileSync(val, [header, ...rows.filter((_, i) => i % 5 === 0)].join('\n'));
const template = join(root, 'test/fixtures/sdk-templates/nearest-centroid.ts');
// broken.ts imports the template beside it, so it is bundled first, as a template of several files is before an upload.
const broken = join(dir, 'broken.js');
const bundled = await Bun.build({ entrypoints: [join(root, 'test/fixtures/sdk-templates/broken.ts')], outdir: dir, target: 'bun', external: ['rafiki/*'] });
if (!bundled.success) throw new AggregateError(bundled.logs, 'cannot bundle broken.ts');
const common = ['--task', 'TABULAR_CLASSIFICATION', '--train', train, '--val', val, '--trials', '1'];

/** Runs bin/rafiki as a user would, in a subprocess. */
async function rafiki(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(args, process.env);
}

async function run(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = Bun.spawn([join(root, 'bin/rafiki'), ...args], { stdout: 'pipe', stderr: 'pipe', env });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}

describe('bin/rafiki', () => {
  test('finds the bun that npm installed when none is on PATH', async () => {
    const { code, stdout } = await run(['--version'], { PATH: '/usr/bin:/bin' });
    expect(stdout.trim()).toBe(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version);
    expect(code).toBe(0);
  });
});

describe('rafiki test-model', () => {
  test('passes a good template: exit 0, a line per trial and a summary; --verbose shows every step', async () => {
    const { code, stdout } = await rafiki('test-model', template, 'NearestCentroid', ...common, '--trials', '2');
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines.map((line) => line.slice(0, line.indexOf(':')))).toEqual(['trial 1 of 2', 'trial 2 of 2', 'passed']);
    expect(lines[2]).toContain('and ONNX answers as predict does');
    const verbose = await rafiki('test-model', template, 'NearestCentroid', ...common, '--verbose');
    expect(verbose.code).toBe(0);
    expect(verbose.stdout).toContain('✓ run ONNX in onnxruntime: matches predict');
    expect(verbose.stdout).toContain('  [trial 1] step 1: score');
  });

  test('a template written in a folder outside the repository, run from there', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'rafiki-knn-'));
    try {
      copyFileSync(join(root, 'models/knn.ts'), join(folder, 'knn.ts'));
      const child = Bun.spawn([join(root, 'bin/rafiki'), 'test-model', 'knn.ts', 'KNearestNeighbors', '--task', 'TABULAR_REGRESSION',
        '--train', join(root, 'test/fixtures/diabetes.csv'), '--val', join(root, 'test/fixtures/diabetes.csv'), '--trials', '1'], { cwd: folder, stdout: 'pipe', stderr: 'pipe' });
      const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
      expect(stderr).toBe('');
      expect(stdout).toContain('passed: best score');
      expect(stdout).toContain('no ONNX export');
      expect(code).toBe(0);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('--json prints the report; --queries predicts the given queries', async () => {
    const queries = join(dir, 'queries.json');
    writeFileSync(queries, JSON.stringify({ queries: [[5.1, 3.5, 1.4, 0.2]] }));
    const { code, stdout, stderr } = await rafiki('test-model', template, 'NearestCentroid', ...common, '--json', '--queries', queries);
    expect(code).toBe(0);
    const report = JSON.parse(stdout);
    expect(report.queries).toEqual([[5.1, 3.5, 1.4, 0.2]]);
    expect(report.predictions.length).toBe(1);
    expect(stderr).toStartWith('trial 1 of 1: score ');
  });

  test('a broken template: exit 1 naming the failing step', async () => {
    const { code, stderr } = await rafiki('test-model', broken, 'WrongCount', ...common);
    expect(code).toBe(1);
    expect(stderr).toContain('test-model failed at "predict": predict returned 5 predictions for 6 queries');
  });

  test('bad arguments: exit 2 saying what is expected', async () => {
    const cases: [string[], string][] = [
      [['test-model', template, 'NearestCentroid', '--train', train, '--val', val], "required option '--task <task>' not specified"],
      [['test-model', template, 'NearestCentroid', ...common, '--task', 'TEXT'], "argument 'TEXT' is invalid. Allowed choices are TABULAR_CLASSIFICATION"],
      [['test-model', template, 'NearestCentroid', ...common, '--trials', '0'], 'expected a positive integer, got 0'],
      [['test-model', template, 'NearestCentroid', ...common, '--train', join(dir, 'nope.csv')], `--train ${join(dir, 'nope.csv')} does not exist`],
      [['test-model', template, 'NearestCentroid', ...common, '--queries', train], 'is not JSON'],
      [['test-model', template, ...common], "missing required argument 'class'"],
      [['no-such-command'], "unknown command 'no-such-command'"],
    ];
    for (const [args, message] of cases) {
      const { code, stderr } = await rafiki(...args);
      expect(stderr).toContain(message);
      expect(code).toBe(2);
    }
  });
});
