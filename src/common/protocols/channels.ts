/**
 * The names of the channels on a process's IPC pipe, apart from the call lists'
 * schemas so that a worker can name its channels without loading TypeBox: a
 * worker's start is on an inference job's cold start.
 */

/** Train worker: it serves TRAIN_WORKER_CALLS on `worker`, the Admin TRAIN_HOST_CALLS on `host`. */
export const WORKER_CHANNEL = 'worker';
export const HOST_CHANNEL = 'host';
/** Check process: CHECK_CALLS. */
export const CHECK_CHANNEL = 'check';
/** Inference worker: INFERENCE_WORKER_CALLS. */
export const INFERENCE_CHANNEL = 'inference';
/** Query frontend: FrontendApi on `frontend`; the Admin serves FRONTEND_HOST_CALLS on `frontend-host`. */
export const FRONTEND_CHANNEL = 'frontend';
export const FRONTEND_HOST_CHANNEL = 'frontend-host';
/** Queue worker (an inference worker placed apart from its frontends): QueueWorkerApi on `queue-worker`. */
export const QUEUE_WORKER_CHANNEL = 'queue-worker';
