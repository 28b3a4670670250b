/**
 * An early stopper: on each intermediate report of a running trial, continue or
 * stop it. The session machinery calls it; it knows nothing of strategies.
 */
export type Decision = 'continue' | 'stop';

/**
 * `report` is called once per intermediate report, in the order the reports
 * arrive, with a finite score (higher is better) after `step` units of the
 * resource (epochs, say). An implementation decides from the reports alone, so
 * the same reports give the same decisions; it is asked only about trials that
 * report, so a template that never reports is never stopped. After a 'stop' the
 * session answers the trial's later reports itself.
 */
export interface EarlyStopper {
  report(trialNo: number, step: number, score: number): Decision;
  /** The resource a trial may use in all, when the stopper knows it: sent with each proposal as its budget. */
  readonly maxResource?: number;
}

/** Never stops: for sessions created with `{"type": "none"}`. */
export const neverStop: EarlyStopper = { report: () => 'continue' };
