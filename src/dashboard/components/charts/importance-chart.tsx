/**
 * Knob importance as bars: each knob's share of what the knobs explain of the
 * score (analysis/knob-importance.ts says how, and what it cannot see). Every
 * knob has its row from the start, so the chart keeps its height as trials come.
 */
import { useMemo } from 'preact/hooks';
import type { TrialJson } from '../../../admin/schemas/train-jobs.ts';
import type { KnobConfig } from '../../../model/knobs.ts';
import { knobAxes } from '../../analysis/knob-axes.ts';
import { knobImportance, MIN_TRIALS, type KnobImportance } from '../../analysis/knob-importance.ts';
import { ChartFigure } from './chart-figure.tsx';

const percent = (share: number) => `${Math.round(share * 100)}%`;
const ROW_PX = 26;

export function ImportanceChart({ trials, config, template }: { trials: TrialJson[]; config?: KnobConfig; template: string }) {
  const completed = useMemo(() => trials.filter((t) => t.status === 'COMPLETED' && t.score !== null), [trials]);
  const importance = useMemo(() => knobImportance(completed.map((t) => ({ knobs: t.knobs, score: t.score! }))), [completed]);
  // The knobs that vary, as the parallel coordinates have them; measured ones first, most important first.
  const knobs = knobAxes(trials, config).map((a) => a.knob);
  const rows: (KnobImportance | { knob: string; share: null })[] = [
    ...importance.filter((i) => knobs.includes(i.knob)),
    ...knobs.filter((k) => !importance.some((i) => i.knob === k)).map((knob) => ({ knob, share: null })),
  ];
  const explained = importance.some((i) => i.share > 0);
  const summary = importance.length === 0
    ? `Needs ${MIN_TRIALS} completed trials of ${template} with different scores; ${completed.length} so far.`
    : !explained
      ? `No knob of ${template} explains the scores beyond chance yet (${completed.length} completed trials).`
      : `From ${completed.length} completed trials of ${template}: ${importance.map((i) => `${i.knob} ${percent(i.share)}`).join(', ')}.`;

  return (
    <ChartFigure
      title="Knob importance"
      summary={summary}
      height={Math.max(3, rows.length) * ROW_PX + 8}
      legend={<p class="note">Each knob's share of the score's variance it explains alone (ε², the correlation ratio less chance), summing to 100%. Interactions between knobs are not seen.</p>}
    >
      <ol class="bars">
        {rows.map((row) => (
          <li key={row.knob} title={'etaSquared' in row ? `η² ${row.etaSquared.toFixed(3)}, ε² ${row.epsilonSquared.toFixed(3)}` : undefined}>
            <span class="bar-label">{row.knob}</span>
            <span class="bar-track"><span class="bar" style={{ width: percent(row.share ?? 0) }} /></span>
            <span class="bar-value tabular">{row.share === null ? '—' : percent(row.share)}</span>
          </li>
        ))}
      </ol>
    </ChartFigure>
  );
}
