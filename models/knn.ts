/**
 * k-nearest neighbours for tabular classification and regression: a plain `Model`
 * (no network, no ONNX export), the running example of docs/templates.md. Training
 * keeps the encoded training rows; a query is encoded with the same encoding and
 * answered from its k nearest rows: class probabilities (in `classes` order) from
 * their votes, or the mean of their targets.
 */
import {
  Model, encodeTabularQueries, knobs,
  type Dataset, type JsonValue, type Params, type TabularDataset, type TabularEncoding, type TabularQuery, type TrainContext,
} from 'rafiki/model';

type Task = TabularDataset['task'];
type Metric = 'euclidean' | 'manhattan';

/** What training keeps and `dumpParameters` saves. */
interface State {
  task: Task;
  encoding: TabularEncoding;
  /** The training rows, encoded: size × encoding.width, row-major. */
  x: Float32Array;
  /** Class index or target value per row. */
  y: Float32Array;
  classes: string[];
}

/** Training rows scored for leave-one-out at most; enough for a steady estimate, bounded in time. */
const LEAVE_ONE_OUT_ROWS = 500;

export class KNearestNeighbors extends Model<TabularQuery, number[] | number> {
  static override tasks = ['TABULAR_CLASSIFICATION', 'TABULAR_REGRESSION'] as const;
  static override knobConfig = {
    k: knobs.integer(1, 50, { log: true }),
    weighting: knobs.categorical(['uniform', 'distance']),
    metric: knobs.categorical(['euclidean', 'manhattan']),
  };

  private state: State | null = null;

  async train(data: Dataset, ctx: TrainContext): Promise<void> {
    const tabular = this.tabular(data);
    this.state = { task: tabular.task, encoding: tabular.encoding, x: tabular.x, y: tabular.y, classes: tabular.classes };
    // No epochs to report: one score, each training row predicted from the others.
    const rows = Math.min(tabular.size, LEAVE_ONE_OUT_ROWS);
    const score = this.score(tabular.x.subarray(0, rows * tabular.encoding.width), tabular.y.subarray(0, rows), { leaveOneOut: tabular.size > 1 });
    ctx.log({ rows: tabular.size, leaveOneOutScore: score });
    await ctx.report({ step: 1, score });
  }

  /** Accuracy (classification) or R² (regression) on a validation set. */
  async evaluate(data: Dataset): Promise<number> {
    const tabular = this.tabular(data);
    return this.score(tabular.x, tabular.y, { leaveOneOut: false });
  }

  /** Raw queries, encoded as the training set was: probabilities per class in `classes` order, or a value. */
  async predict(queries: TabularQuery[]): Promise<(number[] | number)[]> {
    const x = encodeTabularQueries(this.trained().encoding, queries);
    return queries.map((_, q) => this.answer(x, q, -1));
  }

  dumpParameters(): Params {
    const { task, encoding, x, y, classes } = this.trained();
    return { task, encoding: encoding as unknown as JsonValue, x, y, classes };
  }

  loadParameters(params: Params): void {
    const { task, encoding, x, y, classes } = params;
    if (!(x instanceof Float32Array) || !(y instanceof Float32Array)) throw new Error('KNearestNeighbors parameters need Float32Array x and y');
    this.state = { task: task as Task, encoding: encoding as unknown as TabularEncoding, x, y, classes: classes as string[] };
  }

  private tabular(data: Dataset): TabularDataset {
    if (data.kind !== 'tabular') throw new Error(`KNearestNeighbors takes tabular data, got ${data.kind}`);
    return data;
  }

  private trained(): State {
    if (!this.state) throw new Error('KNearestNeighbors is not trained: call train or loadParameters first');
    return this.state;
  }

  private score(x: Float32Array, y: Float32Array, { leaveOneOut }: { leaveOneOut: boolean }): number {
    const answers = Array.from(y, (_, i) => this.answer(x, i, leaveOneOut ? i : -1));
    if (this.trained().task === 'TABULAR_CLASSIFICATION') {
      return answers.filter((p, i) => argmax(p as number[]) === y[i]).length / y.length;
    }
    const mean = y.reduce((a, b) => a + b, 0) / y.length;
    let residual = 0;
    let total = 0;
    answers.forEach((p, i) => {
      residual += (y[i]! - (p as number)) ** 2;
      total += (y[i]! - mean) ** 2;
    });
    return total === 0 ? 0 : 1 - residual / total;
  }

  /** The answer for row `q` of `queries`, leaving out training row `skip` (-1: none). */
  private answer(queries: Float32Array, q: number, skip: number): number[] | number {
    const { task, x, y, classes, encoding } = this.trained();
    const width = encoding.width;
    const query = queries.subarray(q * width, (q + 1) * width);
    const metric = this.knobs.metric as Metric;
    const k = Math.min(Number(this.knobs.k), y.length - (skip >= 0 ? 1 : 0));
    const neighbours = nearest(y.length, { k, skip }, (row) => distance(query, x.subarray(row * width, (row + 1) * width), metric));
    // Distance weighting: an exact match outweighs everything else.
    const weights = neighbours.map(({ distance }) => (this.knobs.weighting === 'distance' ? 1 / (distance + 1e-9) : 1));
    const total = weights.reduce((a, b) => a + b, 0);
    if (task === 'TABULAR_REGRESSION') return neighbours.reduce((sum, { row }, i) => sum + weights[i]! * y[row]!, 0) / total;
    const probabilities = new Array<number>(classes.length).fill(0);
    neighbours.forEach(({ row }, i) => { probabilities[y[row]!]! += weights[i]! / total; });
    return probabilities;
  }
}

/** The k rows of smallest distance, nearest first; ties go to the earlier row, so answers are repeatable. */
function nearest(rows: number, { k, skip }: { k: number; skip: number }, distanceOf: (row: number) => number): { row: number; distance: number }[] {
  const best: { row: number; distance: number }[] = [];
  for (let row = 0; row < rows && k > 0; row++) {
    if (row === skip) continue;
    const d = distanceOf(row);
    if (best.length === k && !(d < best[k - 1]!.distance)) continue;
    let i = best.length === k ? k - 1 : best.length;
    while (i > 0 && best[i - 1]!.distance > d) {
      best[i] = best[i - 1]!;
      i--;
    }
    best[i] = { row, distance: d };
  }
  return best;
}

function distance(a: Float32Array, b: Float32Array, metric: Metric): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) {
    const d = a[j]! - b[j]!;
    sum += metric === 'manhattan' ? Math.abs(d) : d * d;
  }
  return metric === 'manhattan' ? sum : Math.sqrt(sum);
}

function argmax(values: number[]): number {
  return values.reduce((best, v, i) => (v > values[best]! ? i : best), 0);
}
