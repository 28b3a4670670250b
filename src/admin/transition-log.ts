/** Job and trial transitions as log lines: one JSON line each, `warn` when something ended ERRORED. */
import type { Logger } from '../common/log.ts';
import type { Transition, TransitionListener } from './jobs/transitions.ts';

function fields(t: Transition): Record<string, unknown> {
  switch (t.entity) {
    case 'train_job': return { entity: t.entity, id: t.id, app: t.app, app_version: t.appVersion, from: t.from, status: t.status, error: t.error };
    case 'sub_train_job': return { entity: t.entity, id: t.id, train_job_id: t.trainJobId, status: t.status, error: t.error };
    case 'trial': return { entity: t.entity, id: t.id, sub_train_job_id: t.subTrainJobId, no: t.no, status: t.status, score: t.score, error: t.error, seconds: t.seconds };
    case 'inference_job': return { entity: t.entity, id: t.id, train_job_id: t.trainJobId, status: t.status, error: t.error };
  }
}

/**
 * @example
 * new JobTransitions(store, logTransitions(log));
 * // {"time":"…","level":"info","msg":"transition","entity":"trial","id":"…","no":3,"status":"COMPLETED","score":0.96,…}
 */
export function logTransitions(log: Logger): TransitionListener {
  return (transition) => (transition.status === 'ERRORED' ? log.warn : log.info)('transition', fields(transition));
}
