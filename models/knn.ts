/**
 * k-nearest neighbours for tabular classification and regression: a plain `Model`
 * (no network, no ONNX export), the running example of docs/templates.md. Training
 * keeps the encoded training rows; a query is encoded with the same encoding and
 * answered from its k nearest rows: class probabilities (in `classes` order) from
 * their votes, or the mean of their targets. Each query costs a pass over the
 * training rows, so it suits tables of up to some tens of thousands of rows.
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

/** Training rows scored by leave-one-out at most: enough for a steady estimate, bounded in time. */
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
    const { task, encoding, x, y, classes, size } = this.tabular(data);
    this.state = { task, encoding, x, y, classes };
    if (size < 2) return ctx.log('one training row: nothing to score it against');
    // No epochs here: the score of each training row predicted from the others, for every
    // k up to the knob's (one search serves them all), plotted so that a user sees where k helps.
    const k = Math.min(Number(this.knobs.k), size - 1);
    const rows = Math.min(size, LEAVE_ONE_OUT_ROWS);
    const neighbours = Array.from({ length: rows }, (_, row) => this.nearest(x, row, { k, skip: row }));
    const labels = y.subarray(0, rows);
    ctx.definePlot('Leave-one-out score by k', ['leaveOneOutScore'], 'k');
    let score = Number.NaN;
    for (let first = 1; first <= k; first++) {
      score = this.score(neighbours.map((list) => this.combine(list.slice(0, first))), labels);
      ctx.log({ k: first, leaveOneOutScore: score });
    }
    await ctx.report({ step: 1, score });
  }

  /** Accuracy (classification) or R² (regression) on a validation set. */
  async evaluate(data: Dataset): Promise<number> {
    const { x, y } = this.tabular(data);
    return this.score(Array.from(y, (_, q) => this.combine(this.nearest(x, q))), y);
  }

  /** Raw queries, encoded as the training set was: probabilities per class in `classes` order, or a value. */
  async predict(queries: TabularQuery[]): Promise<(number[] | number)[]> {
    const x = encodeTabularQueries(this.trained().encoding, queries);
    return queries.map((_, q) => this.combine(this.nearest(x, q)));
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

  /** The training rows nearest to row `q` of `queries` (encoded rows), nearest first, leaving out training row `skip`. */
  private nearest(queries: Float32Array, q: number, { k = Number(this.knobs.k), skip = -1 } = {}): Neighbour[] {
    const { x, y, encoding: { width } } = this.trained();
    const query = queries.subarray(q * width, (q + 1) * width);
    const metric = this.knobs.metric as Metric;
    return nearest(y.length, { k, skip }, (row) => distance(query, x.subarray(row * width, (row + 1) * width), metric));
  }

  /** Neighbours' votes as probabilities in `classes` order, or their mean target; weighted by closeness with `distance`. */
  private combine(neighbours: Neighbour[]): number[] | number {
    const { task, y, classes } = this.trained();
    // An exact match (distance 0) outweighs everything else rather than dividing by zero.
    const weights = neighbours.map(({ distance }) => (this.knobs.weighting === 'distance' ? 1 / (distance + 1e-9) : 1));
    const total = weights.reduce((a, b) => a + b, 0);
    if (task === 'TABULAR_REGRESSION') return neighbours.reduce((sum, { row }, i) => sum + weights[i]! * y[row]!, 0) / total;
    const probabilities = new Array<number>(classes.length).fill(0);
    neighbours.forEach(({ row }, i) => { probabilities[y[row]!]! += weights[i]! / total; });
    return probabilities;
  }

  private score(answers: (number[] | number)[], y: Float32Array): number {
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
}

interface Neighbour { row: number; distance: number }

/** The k rows of smallest distance, nearest first; ties go to the earlier row, so answers are repeatable. */
function nearest(rows: number, { k, skip }: { k: number; skip: number }, distanceOf: (row: number) => number): Neighbour[] {
  const best: Neighbour[] = [];
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
