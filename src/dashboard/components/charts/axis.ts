/** A uPlot axis with its label, in the page's colours; `whole` for counts (trial numbers, steps), which have no halves. */
import type uPlot from 'uplot';

const WHOLE_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1_000, 2_000, 5_000, 10_000, 100_000, 1_000_000];

export function axis(label: string, { whole = false }: { whole?: boolean } = {}): uPlot.Axis {
  return {
    label, stroke: '#57606a', grid: { stroke: '#eaeef2', width: 1 }, ticks: { stroke: '#d0d7de', width: 1 }, labelSize: 22,
    ...(whole ? { incrs: WHOLE_STEPS } : {}),
  };
}
