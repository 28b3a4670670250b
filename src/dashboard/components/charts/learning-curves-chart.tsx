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
  // Colours change as trials end (a new best recolours every line): the lines read them at each draw.
  const colours = useRef<string[]>([]);
  colours.current = curves.curves.map((c) => (single ? '#0b5cad' : c.trial.score === null ? NO_SCORE : scoreColour(c.trial.score, low, high)));
  const shown = useRef(curves);
  shown.current = curves;

  // A line per trial, by id; a trial that starts reporting adds one at the end.
  const ids = curves.curves.map((c) => c.trial.id).join(',');
  const lines = useMemo(() => curves.curves.map((c): uPlot.Series => ({
    label: c.trial.id,
    stroke: (_, index) => colours.current[index - 1] ?? NO_SCORE,
    width: single ? 2 : 1.25,
    spanGaps: true,
    // Many lines: uPlot's own rule, points only where they have room (a single step, a few steps).
    points: single ? { show: true, size: 5 } : { size: 4 },
  })), [ids, single]);

  const options = useMemo<Omit<uPlot.Options, 'width' | 'height' | 'series'>>(() => {
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
      axes: [axis('Step', { whole: true }), axis('Score', { values: true })],
      focus: { alpha: 0.2 },
      cursor: { focus: { prox: 24 }, drag: { x: true, y: false } },
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
  }, []);

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
      <UPlotChart options={options} series={lines} data={data} height={HEIGHT} empty="No scores reported yet." />
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
