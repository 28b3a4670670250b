/** The score colour scale as a legend: the low end's value, the gradient, the high end's value. */
import { formatScore } from '../format.ts';
import { SCORE_STOPS } from './colours.ts';

const GRADIENT = `linear-gradient(to right, ${SCORE_STOPS.join(', ')})`;

export function ScoreScale({ low, high, label }: { low: number; high: number; label: string }) {
  const known = Number.isFinite(low) && Number.isFinite(high);
  return (
    <span class="score-scale">
      {label} <span class="tabular">{known ? formatScore(low) : '—'}</span>
      <span class="gradient" style={{ backgroundImage: GRADIENT }} aria-hidden="true" />
      <span class="tabular">{known ? formatScore(high) : '—'}</span>
    </span>
  );
}
