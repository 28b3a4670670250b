/**
 * Learning curves: the score each trial reported at each step of its training,
 * one line per trial coloured by its final score, with a cross where the early
 * stopper (ASHA's rungs) told a trial to stop. The pointer picks out the nearest
 * line and says which trial it is.
 */
import { useMemo, useRef, useState } from 'preact/hooks';
import type uPlot from 'uplot';
import type { TrialJson, TrialReportJson } from '../../../admin/schemas/train-jobs.ts';
import { learningCurves, learningCurvesSummary, trialLabel, type LearningCurves } from '../../analysis/trial-series.ts';
import { formatScore } from '../format.ts';
import { axis } from './axis.ts';
import { ChartFigure } from './chart-figure.tsx';
import { NO_SCORE, scoreColour } from './colours.ts';
import { ScoreScale } from './score-scale.tsx';
import { UPlotChart } from './uplot-chart.tsx';

const HEIGHT = 240;
const STOP = '#b42318';

export function LearningCurvesChart({ trials, reports, single = false }: {
  trials: TrialJson[];
  reports: TrialReportJson[];
  /** One trial's curve (a trial's page): drawn bolder, with its points. */
  single?: boolean;
}) {
  const curves = useMemo(() => learningCurves(trials, reports), [trials, reports]);
  const [readout, setReadout] = useState('');
  const stops = useRef<LearningCurves['stops']>([]);
  stops.current = curves.stops;

  const finals = curves.curves.flatMap((c) => (c.trial.score === null ? [] : [c.trial.score]));
  const [low, high] = [Math.min(...finals), Math.max(...finals)];
  const colourOf = (trial: TrialJson) => (single ? '#0b5cad' : trial.score === null ? NO_SCORE : scoreColour(trial.score, low, high));
  // The chart is made again when its lines change: which trials, and their colours.
  const key = curves.curves.map((c) => `${c.trial.id}:${colourOf(c.trial)}`).join(',');
  const shown = useRef(curves);
  shown.current = curves;

  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(() => {
    const lines = shown.current.curves;
    let focused: number | null = null;
    const say = (u: uPlot) => {
      const idx = u.cursor.idx;
      const step = idx === null || idx === undefined ? null : u.data[0][idx];
      const line = focused === null ? undefined : shown.current.curves[focused - 1];
      if (!line) return setReadout(step === null ? '' : `Step ${step}`);
      const at = idx === null || idx === undefined ? null : (u.data[focused!]![idx] as number | null);
      const stopped = shown.current.stops.find((s) => s.trial.id === line.trial.id);
      setReadout([
        `${trialLabel(line.trial)} (${line.trial.status.toLowerCase()}, final score ${formatScore(line.trial.score)})`,
        step !== null && at !== null ? `step ${step}: ${formatScore(at)}` : null,
        stopped ? `stopped at step ${stopped.step}` : null,
      ].filter(Boolean).join(' · '));
    };
    return {
      legend: { show: false },
      scales: { x: { time: false } },
      axes: [axis('Step', { whole: true }), axis('Score')],
      focus: { alpha: 0.2 },
      cursor: { focus: { prox: 24 }, drag: { x: true, y: false } },
      series: [
        {},
        ...lines.map((c): uPlot.Series => ({
          label: trialLabel(c.trial),
          stroke: colourOf(c.trial),
          width: single ? 2 : 1.25,
          spanGaps: true,
          points: { show: single, size: 5 },
        })),
      ],
      hooks: {
        // uPlot says which line the pointer is nearest with setSeries(index, { focus: true }), and null when none.
        setSeries: [(u, index, change) => {
          if ((change as { focus?: boolean }).focus) focused = index;
          say(u);
        }],
        setCursor: [say],
        draw: [(u) => drawStops(u, stops.current)],
      },
    };
  }, [key, single]);

  const data = useMemo<uPlot.AlignedData>(() => [curves.steps, ...curves.curves.map((c) => c.scores)], [curves]);

  return (
    <ChartFigure
      title={single ? 'Learning curve' : 'Learning curves'}
      summary={single ? singleSummary(curves) : learningCurvesSummary(curves)}
      readout={readout}
      legend={
        <ul class="keys">
          {!single && <li><ScoreScale low={low} high={high} label="final score" /></li>}
          {!single && <li><span class="swatch block" style={{ color: NO_SCORE }} aria-hidden="true" />no final score yet</li>}
          <li><span class="swatch cross" aria-hidden="true">✕</span>stopped by the early stopper</li>
        </ul>
      }
    >
      <UPlotChart options={options} data={data} height={HEIGHT} empty="No scores reported yet." />
    </ChartFigure>
  );
}

function singleSummary({ curves, stops }: LearningCurves): string {
  const curve = curves[0];
  if (!curve) return 'This trial has reported no score during training.';
  const reported = curve.scores.filter((s) => s !== null).length;
  const stop = stops[0];
  return `${reported} scores reported during training${stop ? `; the early stopper stopped it at step ${stop.step} (score ${formatScore(stop.score)})` : ''}.`;
}

/** A cross at each stop, drawn over the lines in the canvas's own pixels. */
function drawStops(u: uPlot, stops: LearningCurves['stops']): void {
  const ratio = devicePixelRatio || 1;
  const half = 4.5 * ratio;
  const { ctx, bbox } = u;
  ctx.save();
  // Zoomed in, a stop outside the plotting area is not drawn over the axes.
  ctx.beginPath();
  ctx.rect(bbox.left, bbox.top, bbox.width, bbox.height);
  ctx.clip();
  ctx.strokeStyle = STOP;
  ctx.lineWidth = 2 * ratio;
  ctx.beginPath();
  for (const stop of stops) {
    const x = u.valToPos(stop.step, 'x', true);
    const y = u.valToPos(stop.score, 'y', true);
    ctx.moveTo(x - half, y - half);
    ctx.lineTo(x + half, y + half);
    ctx.moveTo(x + half, y - half);
    ctx.lineTo(x - half, y + half);
  }
  ctx.stroke();
  ctx.restore();
}
