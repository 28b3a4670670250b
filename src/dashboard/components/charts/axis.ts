/**
 * uPlot axes with their labels, in the page's colours. `whole` for counts (trial
 * numbers, steps), which have no halves; a value axis keeps one width whatever
 * its labels, so the plot does not move sideways as new data changes them.
 */
import type uPlot from 'uplot';

const WHOLE_STEPS = [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1_000, 2_000, 5_000, 10_000, 100_000, 1_000_000];
const VALUE_AXIS_PX = 64;

export function axis(label: string, { whole = false, values = false }: { whole?: boolean; values?: boolean } = {}): uPlot.Axis {
  return {
    label, stroke: '#57606a', grid: { stroke: '#eaeef2', width: 1 }, ticks: { stroke: '#d0d7de', width: 1 }, labelSize: 22,
    ...(whole ? { incrs: WHOLE_STEPS } : {}),
    ...(values ? { size: VALUE_AXIS_PX } : {}),
  };
}
