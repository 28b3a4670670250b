/**
 * src/frontend/main.ts with one more channel, `memory`, that only the parent
 * process reaches (over the IPC pipe, never over HTTP): it forces a full
 * garbage collection and answers the process's memory, so that a leak test or
 * the soak benchmark compares the frontend's idle memory like with like.
 *
 * @example
 * const child = await new LocalServices({ sandbox: unsandboxed }).spawn({ kind: 'PREDICTOR', run: { script: MEASURED_FRONTEND }, untrusted: false, limits });
 * const frontend = Comlink.wrap<FrontendApi>(child.endpoint(FRONTEND_CHANNEL));
 * const memory = Comlink.wrap<MemoryApi>(child.endpoint(MEMORY_CHANNEL));
 * const { rss, heap } = await idleMemory(memory);
 */
import * as Comlink from 'comlink';
import { heapStats } from 'bun:jsc';
import { ipcEndpoint, parentPort } from '../../src/common/ipc/channel.ts';

export const MEMORY_CHANNEL = 'memory';
export const MEASURED_FRONTEND = new URL(import.meta.url).pathname;

export interface Memory {
  /** Resident set size, bytes. */
  rss: number;
  /** The JS heap, bytes. */
  heap: number;
}

export interface MemoryApi {
  /** Collects garbage fully, then answers the memory and the live JS objects by type. */
  collect(): Memory & { objects: Record<string, number> };
}

/**
 * The frontend's memory once idle: a full collection, a second for the
 * allocator to hand freed pages back to the system, three times over, and
 * the lowest RSS seen. Right after one collection the RSS is still a few MB
 * above where it settles, by more or less from one time to the next.
 */
export async function idleMemory(memory: Comlink.Remote<MemoryApi>): Promise<Memory> {
  let idle: Memory = { rss: Infinity, heap: Infinity };
  for (let i = 0; i < 3; i++) {
    await Bun.sleep(1000);
    const { rss, heap } = await memory.collect();
    if (rss < idle.rss) idle = { rss, heap };
  }
  return idle;
}

if (import.meta.main) {
  // The frontend's channel listens first: the parent's first call may already be on its way, and the pipe
  // holds messages back only until some listener is there.
  await import('../../src/frontend/main.ts');
  const api: MemoryApi = {
    collect() {
      Bun.gc(true);
      const stats = heapStats();
      return { rss: process.memoryUsage.rss(), heap: stats.heapSize, objects: stats.objectTypeCounts };
    },
  };
  Comlink.expose(api, ipcEndpoint(parentPort(), MEMORY_CHANNEL));
}
