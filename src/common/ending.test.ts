import { expect, test } from 'bun:test';
import { heapStats } from 'bun:jsc';
import { Ending } from './ending.ts';

test('a call that settles first gives its outcome; one still waiting at the end, and any later, get the reason', async () => {
  const ending = new Ending();
  expect(await ending.race(Promise.resolve(3))).toBe(3);
  await expect(ending.race(Promise.reject(new Error('its own')))).rejects.toThrow('its own');
  const waiting = ending.race(new Promise(() => {}));
  ending.end(new Error('ended'));
  ending.end(new Error('ended again'));
  await expect(waiting).rejects.toThrow('ended');
  await expect(ending.race(Promise.resolve(4))).rejects.toThrow('ended');
});

test('settled calls are not kept while the end is pending', async () => {
  const ending = new Ending();
  const live = () => {
    Bun.gc(true);
    return heapStats().objectTypeCounts.Float32Array ?? 0;
  };
  const before = live();
  for (let i = 0; i < 10_000; i++) await ending.race(Promise.resolve(new Float32Array(8)));
  // Promise.race([call, ending]) keeps all 10,000; a few may stay reachable from the stack, which JSC scans conservatively.
  expect(live() - before).toBeLessThan(100);
});
