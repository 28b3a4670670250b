/**
 * A plot a template defined while training (`ctx.definePlot(title, metrics, xAxis)`),
 * drawn from the metrics it logged: each metric by the x-axis metric, or by time
 * when the plot names none.
 */
import { useMemo, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import type { TrialLogsJson } from '../../../admin/schemas/train-jobs.ts';
import { formatKnob } from '../format.ts';
import { axis } from './axis.ts';
import { ChartFigure } from './chart-figure.tsx';
import { templateColour } from './colours.ts';
import { UPlotChart } from './uplot-chart.tsx';

const HEIGHT = 220;

export function MetricPlot({ plot, metrics }: { plot: TrialLogsJson['plots'][number]; metrics: TrialLogsJson['metrics'] }) {
  const [readout, setReadout] = useState('');
  const byTime = plot.x_axis === null;
  const data = useMemo<uPlot.AlignedData>(() => {
    const rows = metrics
      .map((row) => ({ x: byTime ? Date.parse(String(row.time)) / 1000 : row[plot.x_axis!], row }))
      .filter((r): r is { x: number; row: typeof r.row } => typeof r.x === 'number' && Number.isFinite(r.x) && plot.metrics.some((m) => typeof r.row[m] === 'number'))
      .sort((a, b) => a.x - b.x);
    return [rows.map((r) => r.x), ...plot.metrics.map((m) => rows.map((r) => (typeof r.row[m] === 'number' ? (r.row[m] as number) : null)))];
  }, [plot, metrics, byTime]);

  const whole = !byTime && data[0].every(Number.isInteger);
  const key = `${plot.title}\n${plot.metrics.join('\n')}\n${plot.x_axis}`;
  const lines = useMemo(
    () => plot.metrics.map((m, i): uPlot.Series => ({ label: m, stroke: templateColour(i), width: 2, spanGaps: true, points: { size: 5 } })),
    [key],
  );
  const options = useMemo<Omit<uPlot.Options, 'width' | 'height' | 'series'>>(() => ({
    legend: { show: false },
    scales: { x: { time: byTime } },
    axes: [axis(plot.x_axis ?? 'Time', { whole }), axis(plot.metrics.length === 1 ? plot.metrics[0]! : 'Value', { values: true })],
    hooks: {
      setCursor: [(u) => {
        const idx = u.cursor.idx;
        if (idx === null || idx === undefined) return setReadout('');
        const x = u.data[0][idx]!;
        const at = byTime ? new Date(x * 1000).toLocaleTimeString() : formatKnob(x);
        setReadout(`${plot.x_axis ?? 'time'} ${at}: ${plot.metrics.map((m, i) => `${m} ${formatKnob(u.data[i + 1]![idx] as number | null)}`).join(', ')}`);
      }],
    },
  }), [key, whole]);

  const points = data[0].length;
  const summary = points === 0
    ? `No ${plot.metrics.join(', ')} logged yet.`
    : `${plot.metrics.join(', ')} by ${plot.x_axis ?? 'time'}, ${points} points; last ${plot.metrics.map((m, i) => `${m} ${formatKnob((data[i + 1] as (number | null)[]).findLast((v) => v !== null))}`).join(', ')}.`;

  return (
    <ChartFigure
      title={plot.title}
      summary={summary}
      readout={readout}
      legend={plot.metrics.length > 1 && (
        <ul class="keys">{plot.metrics.map((m, i) => <li key={m}><span class="swatch step" style={{ color: templateColour(i) }} aria-hidden="true" />{m}</li>)}</ul>
      )}
    >
      <UPlotChart options={options} series={lines} data={data} height={HEIGHT} empty="Nothing logged yet." />
    </ChartFigure>
  );
}
