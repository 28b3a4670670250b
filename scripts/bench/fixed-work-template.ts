/**
 * A template for scripts/bench/trials.ts whose every trial does the same fixed
 * amount of CPU work (a counted loop, not a timed one, so that contention shows
 * as longer trials) on a tiny dataset: worker start and dataset loading stay
 * small, and trial lengths do not depend on the knobs the Advisor picks, so the
 * two-worker speed-up measures Rafiki rather than the template or the data.
 */
import { Model, knobs, type Dataset, type Params, type TabularQuery, type TrainContext } from 'rafiki/model';

/** About 250–300 ms of one core when the machine is idle. */
const ITERATIONS = 1.5e8;

export class FixedWork extends Model<TabularQuery, number[]> {
  static override knobConfig = { x: knobs.float(0, 1) };
  static override tasks = ['TABULAR_CLASSIFICATION'] as const;

  private classes = 1;
  private checksum = 0;

  async train(data: Dataset, ctx: TrainContext): Promise<void> {
    if (data.kind !== 'tabular') throw new Error('FixedWork needs a tabular dataset');
    let acc = 0;
    for (let i = 0; i < ITERATIONS; i++) acc += Math.sqrt(i);
    this.checksum = acc;
    this.classes = data.classes.length;
    await ctx.report({ step: 1, score: Number(this.knobs.x) });
  }

  async evaluate(): Promise<number> {
    return Number(this.knobs.x);
  }

  async predict(queries: TabularQuery[]): Promise<number[][]> {
    return queries.map(() => Array.from({ length: this.classes }, () => 1 / this.classes));
  }

  dumpParameters(): Params {
    return { classes: this.classes, checksum: this.checksum };
  }

  loadParameters(params: Params): void {
    this.classes = Number(params.classes);
    this.checksum = Number(params.checksum);
  }
}
