/**
 * `npm run docs:sdk` builds the SDK reference with TypeDoc from the doc comments
 * of rafiki/client and rafiki/model, and every public method of the client's
 * classes has a comment of its own.
 */
import { afterAll, expect, test } from 'bun:test';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(import.meta.dir, '..');
const out = mkdtempSync(join(tmpdir(), 'rafiki-sdk-docs-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

interface Reflection {
  name: string;
  kind: number;
  flags?: { isPrivate?: boolean; isProtected?: boolean; isExternal?: boolean };
  comment?: { summary: unknown[] };
  signatures?: Reflection[];
  getSignature?: Reflection;
  children?: Reflection[];
  inheritedFrom?: unknown;
}

const METHOD = 2048;
const ACCESSOR = 262144;
const CONSTRUCTOR = 512;

test('npm run docs:sdk builds the reference; every public method of the SDK client has a doc comment', () => {
  // TypeDoc type-checks the whole program: tens of seconds on a busy machine.
  const run = Bun.spawnSync(['npm', 'run', '--silent', 'docs:sdk', '--', '--out', join(out, 'html'), '--json', join(out, 'sdk.json')], { cwd: ROOT, stderr: 'pipe', stdout: 'pipe', timeout: 240_000 });
  expect({ exitCode: run.exitCode, stderr: run.stderr.toString().split('\n').filter((l) => /error|warning/i.test(l)) }).toEqual({ exitCode: 0, stderr: [] });
  expect(existsSync(join(out, 'html/index.html'))).toBe(true);

  const project = JSON.parse(readFileSync(join(out, 'sdk.json'), 'utf8')) as Reflection;
  expect(project.children!.map((m) => m.name).sort()).toEqual(['rafiki/client', 'rafiki/model']);
  const client = project.children!.find((m) => m.name === 'rafiki/client')!;
  const undocumented: string[] = [];
  for (const cls of client.children!.filter((c) => ['AdminApi', 'Client', 'Predictor'].includes(c.name))) {
    for (const member of cls.children ?? []) {
      if (member.flags?.isPrivate || member.flags?.isProtected || member.inheritedFrom) continue;
      const signature = member.kind === ACCESSOR ? member.getSignature : member.kind === METHOD || member.kind === CONSTRUCTOR ? member.signatures?.[0] : undefined;
      if (signature && !signature.comment && !member.comment) undocumented.push(`${cls.name}.${member.name}`);
    }
  }
  expect(undocumented).toEqual([]);
  expect(readFileSync(join(out, 'html/classes/rafiki_client.Client.html'), 'utf8')).toContain('getRunningInferenceJob');
}, 300_000);
