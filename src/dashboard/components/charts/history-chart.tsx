/**
 * The optimisation history: each trial's score by its number (filled: completed;
 * hollow: stopped early, scored on what it had trained), and the best so far as a
 * step line, one colour per template.
 */
import { useMemo, useState } from 'preact/hooks';
import uPlot from 'uplot';
import type { TrialJson } from '../../../admin/schemas/train-jobs.ts';
import { history, historySummary } from '../../analysis/trial-series.ts';
import { formatScore } from '../format.ts';
import { axis } from './axis.ts';
import { ChartFigure } from './chart-figure.tsx';
import { templateColour } from './colours.ts';
import { UPlotChart } from './uplot-chart.tsx';

const HEIGHT = 240;
const dots = () => null;

export function HistoryChart({ trials }: { trials: TrialJson[] }) {
  const series = useMemo(() => history(trials), [trials]);
  const [readout, setReadout] = useState('');
  const names = series.templates.map((t) => t.name).join('\n');

  const lines = useMemo(() => (names ? names.split('\n') : []).flatMap((name, i): uPlot.Series[] => {
    const colour = templateColour(i);
    return [
      { label: `${name} completed`, stroke: colour, paths: dots, points: { show: true, size: 7, fill: colour, stroke: colour } },
      { label: `${name} stopped early`, stroke: colour, paths: dots, points: { show: true, size: 7, fill: '#ffffff', stroke: colour, width: 1.5 } },
      { label: `${name} best so far`, stroke: colour, width: 2, paths: uPlot.paths.stepped!({ align: 1 }), points: { show: false }, spanGaps: true },
    ];
  }), [names]);

  const options = useMemo<Omit<uPlot.Options, 'width' | 'height' | 'series'>>(() => {
    const templates = names ? names.split('\n') : [];
    return {
      legend: { show: false },
      scales: { x: { time: false } },
      axes: [axis('Trial number', { whole: true }), axis('Score', { values: true })],
      cursor: { drag: { x: true, y: false } },
      hooks: {
        setCursor: [(u) => {
          const idx = u.cursor.idx;
          if (idx === null || idx === undefined) return setReadout('');
          const parts = templates.map((name, i) => {
            const [done, early, best] = [1, 2, 3].map((k) => u.data[i * 3 + k]![idx] as number | null);
            const score = done ?? early;
            return `${templates.length > 1 ? `${name}: ` : ''}${score === null ? 'no score' : `${formatScore(score)}${early !== null ? ' (stopped early)' : ''}`}, best so far ${formatScore(best)}`;
          });
          setReadout(`Trial ${u.data[0][idx]}: ${parts.join(' · ')}`);
        }],
      },
    };
  }, [names]);

  const data = useMemo<uPlot.AlignedData>(
    () => [series.x, ...series.templates.flatMap((t) => [t.completed, t.stoppedEarly, t.best])],
    [series],
  );

  // With one template its colour draws the shapes; with more, the shapes are keyed in grey and the colours apart.
  const shapes = series.templates.length > 1 ? '#57606a' : templateColour(0);
  return (
    <ChartFigure
      title="Optimisation history"
      summary={historySummary(trials)}
      readout={readout}
      legend={
        <ul class="keys">
          <li><span class="swatch dot" style={{ color: shapes }} aria-hidden="true" />completed</li>
          <li><span class="swatch ring" style={{ color: shapes }} aria-hidden="true" />stopped early</li>
          <li><span class="swatch step" style={{ color: shapes }} aria-hidden="true" />best so far</li>
          {series.templates.length > 1 && series.templates.map((t, i) => (
            <li key={t.modelId}><span class="swatch block" style={{ color: templateColour(i) }} aria-hidden="true" />{t.name}</li>
          ))}
        </ul>
      }
    >
      <UPlotChart options={options} series={lines} data={data} height={HEIGHT} empty="No trials yet." />
    </ChartFigure>
  );
}
