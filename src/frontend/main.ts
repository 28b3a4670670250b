/**
 * The query frontend's process (DESIGN.md §6), started by the Admin's services
 * manager with `spawnIpc(['bun', 'src/frontend/main.ts'])`. It exposes
 * FrontendApi over comlink on channel 'frontend' and exits with its parent.
 *
 * @example
 * const child = spawnIpc([process.execPath, 'src/frontend/main.ts']);
 * const frontend = Comlink.wrap<FrontendApi>(ipcEndpoint(child.port, 'frontend'));
 * const { port } = await frontend.start(spec);   // resolves once every worker is loaded and the port listens
 * await frontend.stop();                          // then end the process
 */
import * as Comlink from 'comlink';
import { exitWithParent, ipcEndpoint, parentPort } from '../worker/ipc.ts';
import { startFrontend, type FrontendStats, type RunningFrontend } from './frontend.ts';
import type { FrontendSpec } from './spec.ts';

export interface FrontendApi {
  /** Starts serving; resolves when ready (workers loaded, port listening). */
  start(spec: FrontendSpec): Promise<{ port: number }>;
  /** Answers what is in flight, answers new queries 503 meanwhile, ends the workers and the listener. */
  stop(): Promise<void>;
  stats(): FrontendStats | null;
}

let running: RunningFrontend | null = null;

const api: FrontendApi = {
  async start(spec) {
    if (running) throw new Error(`this frontend already serves on port ${running.port}`);
    running = await startFrontend(spec);
    return { port: running.port };
  },
  async stop() {
    await running?.stop();
  },
  stats: () => running?.stats() ?? null,
};

exitWithParent();
Comlink.expose(api, ipcEndpoint(parentPort(), 'frontend'));
