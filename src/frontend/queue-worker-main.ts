/**
 * A queue worker's process, started by the Admin through the services manager
 * on whichever host it places it: it answers QueueWorkerApi on
 * QUEUE_WORKER_CHANNEL, starts its trial's inference worker through its host's
 * local services (sandboxed when the spec says so), and exits with its parent.
 *
 * @example
 * const process = await services.spawn({ kind: 'INFERENCE_WORKER', run: { script: 'src/frontend/queue-worker-main.ts' }, untrusted: false, files, limits });
 * const worker = Comlink.wrap<QueueWorkerApi>(process.endpoint(QUEUE_WORKER_CHANNEL));
 * await worker.start(spec);   // resolves once its trial is loaded and it takes batches
 */
import * as Comlink from 'comlink';
import { exitWithParent, ipcEndpoint, parentPort } from '../common/ipc/channel.ts';
import { QUEUE_WORKER_CHANNEL, type QueueWorkerApi } from '../common/protocols/frontend.ts';
import { bubblewrap } from '../common/services/bubblewrap.ts';
import { LocalServices } from '../common/services/local.ts';
import { unsandboxed } from '../common/services/sandbox.ts';
import { startQueueWorker, type RunningQueueWorker } from './queue-worker.ts';

let running: RunningQueueWorker | null = null;

const api: QueueWorkerApi = {
  async start(spec) {
    if (running) throw new Error('this queue worker already serves its trial');
    running = await startQueueWorker(spec, { services: new LocalServices({ sandbox: spec.sandbox ? bubblewrap() : unsandboxed }) });
  },
  async stop() {
    await running?.stop();
  },
};

exitWithParent();
Comlink.expose(api, ipcEndpoint(parentPort(), QUEUE_WORKER_CHANNEL));
