// The kNN template's own rules, on datasets small enough to work out by hand:
// probabilities follow `classes`, distance weighting, leave-one-out excludes the row
// itself, k past the training size, and raw queries encoded with the saved encoding.
import { describe, expect, test } from 'bun:test';
import { consoleContext, decodeParams, encodeParams, type TabularDataset } from 'rafiki/model';
import { KNearestNeighbors } from './knn.ts';

/** One numeric feature `x`, standardised with mean 0 and std 1, so encoded rows are the raw values. */
function dataset(task: TabularDataset['task'], xs: number[], ys: number[], classes: string[] = []): TabularDataset {
  return {
    kind: 'tabular', task, size: xs.length, classes,
    encoding: { columns: [{ name: 'x', kind: 'numeric', mean: 0, std: 1 }], width: 1 },
    x: Float32Array.from(xs), y: Float32Array.from(ys),
  };
}

async function trained(knobs: { k: number; weighting: string; metric: string }, data: TabularDataset) {
  const reports: { step: number; score: number }[] = [];
  const model = new KNearestNeighbors(knobs);
  await model.train(data, consoleContext('knn', () => {}, reports));
  return { model, reports };
}

describe('KNearestNeighbors', () => {
  // Labels sorted as the loaders sort them; class 0 is 'a' at the low end.
  const classes = ['a', 'b', 'c'];
  const classification = dataset('TABULAR_CLASSIFICATION', [0, 1, 2, 10, 11, 20], [0, 0, 0, 1, 1, 2], classes);

  test('answers probabilities in classes order from the k nearest rows', async () => {
    const { model } = await trained({ k: 3, weighting: 'uniform', metric: 'euclidean' }, classification);
    const [low, middle, high] = await model.predict([{ x: 0.5 }, [10.4], { x: '19' }]) as number[][];
    expect(low).toEqual([1, 0, 0]);
    // 10 and 11 (b), then 2 (a) at 8.4 before 20 (c) at 9.6.
    expect(middle).toEqual([1 / 3, 2 / 3, 0]);
    // 20 (c), 11 and 10 (b).
    expect(high).toEqual([0, 2 / 3, 1 / 3]);
  });

  test('distance weighting lets a near row outvote two far ones', async () => {
    const { model } = await trained({ k: 3, weighting: 'distance', metric: 'manhattan' }, classification);
    const [p] = await model.predict([{ x: 19.9 }]) as number[][];
    expect(p![2]).toBeGreaterThan(0.9);
    expect(p!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  test('reports a leave-one-out score: with k = 1 a row is never its own neighbour', async () => {
    const { model, reports } = await trained({ k: 1, weighting: 'uniform', metric: 'euclidean' }, classification);
    // Only the lone c row (20) is misread, as b.
    expect(reports).toEqual([{ step: 1, score: 5 / 6 }]);
    expect(await model.evaluate(classification)).toBe(1);
  });

  test('plots the leave-one-out score for every k up to the knob, and reports the last', async () => {
    const lines: string[] = [];
    const reports: { step: number; score: number }[] = [];
    await new KNearestNeighbors({ k: 3, weighting: 'uniform', metric: 'euclidean' }).train(classification, consoleContext('knn', (line) => lines.push(line), reports));
    // From k = 2 the b rows lose a tied vote to a (the first class), and c is always outvoted by b.
    expect(lines).toEqual([
      '  [knn] plot "Leave-one-out score by k": leaveOneOutScore against k',
      '  [knn] k=1 leaveOneOutScore=0.8333',
      '  [knn] k=2 leaveOneOutScore=0.5000',
      '  [knn] k=3 leaveOneOutScore=0.5000',
      '  [knn] step 1: score 0.5000',
    ]);
    expect(reports).toEqual([{ step: 1, score: 0.5 }]);
  });

  test('regression: the weighted mean of the neighbours; k past the size takes every row', async () => {
    const data = dataset('TABULAR_REGRESSION', [0, 1, 2, 3], [10, 20, 30, 40]);
    const { model } = await trained({ k: 50, weighting: 'uniform', metric: 'euclidean' }, data);
    expect(await model.predict([{ x: 100 }, { x: null }])).toEqual([25, 25]);
    const near = (await trained({ k: 2, weighting: 'uniform', metric: 'euclidean' }, data)).model;
    expect(await near.predict([[2.9]])).toEqual([35]);
    expect(await near.evaluate(data)).toBeCloseTo(1 - 4 * 25 / 500, 9);
  });

  test('saved parameters answer as the trained model did, and bad queries name the feature', async () => {
    const { model } = await trained({ k: 2, weighting: 'distance', metric: 'euclidean' }, classification);
    const fresh = new KNearestNeighbors(model.knobs);
    fresh.loadParameters(decodeParams(encodeParams(model.dumpParameters())));
    const queries = [{ x: 3 }, { x: 15 }];
    expect(await fresh.predict(queries)).toEqual(await model.predict(queries));
    await expect(fresh.predict([{ x: 'tall' }])).rejects.toThrow('feature "x"');
    await expect(new KNearestNeighbors(model.knobs).predict([{ x: 1 }])).rejects.toThrow('not trained');
  });
});
