import type { EarlyStopDecision, TrainContext } from '../model.ts';

/**
 * A TrainContext for running a template outside a train job: it prints what the
 * template logs, keeps its intermediate scores in `reports`, and always answers
 * 'continue' since no Advisor is there to stop it.
 *
 * @example
 * await model.train(data, consoleContext('trial 1', console.log));
 */
export function consoleContext(prefix: string, log: (line: string) => void, reports: { step: number; score: number }[] = []): TrainContext {
  return {
    log(messageOrMetrics) {
      const text = typeof messageOrMetrics === 'string'
        ? messageOrMetrics
        : Object.entries(messageOrMetrics).map(([name, value]) => `${name}=${formatNumber(value)}`).join(' ');
      log(`  [${prefix}] ${text}`);
    },
    definePlot(title, metrics, xAxis) {
      log(`  [${prefix}] plot "${title}": ${metrics.join(', ')} against ${xAxis ?? 'time'}`);
    },
    async report(progress): Promise<EarlyStopDecision> {
      if (!Number.isFinite(progress?.step) || !Number.isFinite(progress?.score)) {
        throw new Error(`ctx.report needs a finite step and score but got step ${progress?.step} and score ${progress?.score}`);
      }
      reports.push({ step: progress.step, score: progress.score });
      log(`  [${prefix}] step ${progress.step}: score ${formatNumber(progress.score)}`);
      return 'continue';
    },
  };
}

function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toPrecision(4);
}
