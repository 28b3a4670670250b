/**
 * Parallel coordinates of one template's completed trials: an axis per knob and
 * one for the score, a line per trial through its values, coloured by its score;
 * the best trial drawn over the rest, bolder. Hovering a line names its trial.
 */
import { useMemo, useState } from 'preact/hooks';
import type { TrialJson } from '../../../admin/schemas/train-jobs.ts';
import type { KnobConfig } from '../../../model/knobs.ts';
import { axisPosition, axisTicks, knobAxes, type KnobAxis } from '../../analysis/knob-axes.ts';
import { bestTrial, trialLabel } from '../../analysis/trial-series.ts';
import { formatKnob, formatScore } from '../format.ts';
import { ChartFigure } from './chart-figure.tsx';
import { SCORE_STOPS, scoreColour } from './colours.ts';
import { ScoreScale } from './score-scale.tsx';
import { useWidth } from './use-width.ts';

const HEIGHT = 280;
const MARGIN = { top: 36, right: 64, bottom: 14, left: 52 };
/** Below this width an axis's ticks and name run into the next: the chart scrolls sideways instead. */
const MIN_AXIS_GAP = 104;

export function ParallelCoordinates({ trials, config, template }: {
  /** One template's trials (its knobs are what the axes are). */
  trials: TrialJson[];
  config?: KnobConfig;
  template: string;
}) {
  const { ref, width } = useWidth<HTMLDivElement>();
  const [hovered, setHovered] = useState<TrialJson | null>(null);
  const scored = useMemo(() => trials.filter((t) => t.status === 'COMPLETED' && t.score !== null).sort((a, b) => a.score! - b.score!), [trials]);
  const axes = useMemo(() => knobAxes(trials, config), [trials, config]);
  const best = bestTrial(scored);
  const low = scored[0]?.score ?? NaN;
  const high = scored.at(-1)?.score ?? NaN;
  const scoreAxis: KnobAxis = { knob: 'score', kind: 'numeric', log: false, min: Number.isFinite(low) ? low : 0, max: Number.isFinite(high) ? high : 1, integer: false };
  const all = [...axes, scoreAxis];

  const drawn = Math.max(width, MARGIN.left + MARGIN.right + (all.length - 1) * MIN_AXIS_GAP);
  const plotWidth = drawn - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xAt = (i: number) => MARGIN.left + (all.length === 1 ? plotWidth / 2 : (i * plotWidth) / (all.length - 1));
  const yAt = (p: number) => MARGIN.top + (1 - p) * plotHeight;
  const pointsOf = (trial: TrialJson) => all
    .map((axis, i) => {
      const p = axisPosition(axis, axis === scoreAxis ? trial.score! : trial.knobs[axis.knob]);
      return p === null ? null : `${xAt(i).toFixed(1)},${yAt(p).toFixed(1)}`;
    })
    .filter(Boolean)
    .join(' ');
  const describe = (trial: TrialJson) => `${trialLabel(trial)}: score ${formatScore(trial.score)}; ${axes.map((a) => `${a.knob} ${formatKnob(trial.knobs[a.knob])}`).join(', ')}`;

  const summary = scored.length === 0
    ? `No completed trial of ${template} yet; ${axes.length} knobs vary.`
    : `${scored.length} completed trial${scored.length === 1 ? '' : 's'} of ${template} across ${axes.length} knobs; the best, score ${formatScore(best!.score)}, has ${axes.map((a) => `${a.knob} ${formatKnob(best!.knobs[a.knob])}`).join(', ')}.`;

  return (
    <ChartFigure
      wide
      scrolls
      title="Parallel coordinates"
      summary={summary}
      readout={hovered ? describe(hovered) : ''}
      legend={<ul class="keys"><li><ScoreScale low={low} high={high} label="score" /></li><li>Completed trials only; the best drawn bold.</li></ul>}
    >
      <div ref={ref}>
        {width > 0 && (
          <svg width={drawn} height={HEIGHT} class="parallel" onMouseLeave={() => setHovered(null)}>
            <defs>
              <linearGradient id="score-gradient" x1="0" y1="1" x2="0" y2="0">
                {SCORE_STOPS.map((colour, i) => <stop key={colour} offset={i / (SCORE_STOPS.length - 1)} stop-color={colour} />)}
              </linearGradient>
            </defs>
            <g class="lines">
              {scored.map((trial) => (
                <polyline
                  key={trial.id}
                  points={pointsOf(trial)}
                  stroke={scoreColour(trial.score!, low, high)}
                  class={trial === best ? 'best' : hovered?.id === trial.id ? 'hovered' : undefined}
                  onMouseEnter={() => setHovered(trial)}
                >
                  <title>{describe(trial)}</title>
                </polyline>
              ))}
            </g>
            {all.map((axis, i) => (
              <g key={`${i}:${axis.knob}`} class="axis" transform={`translate(${xAt(i).toFixed(1)},0)`}>
                {axis === scoreAxis
                  ? <rect x={-3} y={MARGIN.top} width={6} height={plotHeight} fill="url(#score-gradient)" />
                  : <line y1={MARGIN.top} y2={MARGIN.top + plotHeight} />}
                <text class="axis-name" y={MARGIN.top - 14} text-anchor="middle">{axis.knob}{axis.kind === 'numeric' && axis.log ? ' (log)' : ''}</text>
                {(axis === scoreAxis && scored.length === 0 ? [] : axisTicks(axis)).map((tick) => (
                  <g key={tick.label} transform={`translate(0,${yAt(tick.at).toFixed(1)})`}>
                    <line x1={-3} x2={3} />
                    <text x={6} dy="0.32em">{tick.label}</text>
                  </g>
                ))}
              </g>
            ))}
          </svg>
        )}
      </div>
    </ChartFigure>
  );
}
