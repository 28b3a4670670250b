/**
 * Chart colours. Scores on viridis (perceptually even, readable in greyscale and
 * by the common colour blindnesses), stopped short of its last yellow, which
 * vanishes on white; templates on the Okabe–Ito palette, distinct for the same readers.
 */
const VIRIDIS = ['#440154', '#482878', '#3e4989', '#31688e', '#26828e', '#1f9e89', '#35b779', '#6ece58', '#b5de2b'];

/** The colour of `value` on a scale from `min` (dark violet) to `max` (yellow-green); the middle when the range is empty. */
export function scoreColour(value: number, min: number, max: number): string {
  const t = max > min ? Math.min(1, Math.max(0, (value - min) / (max - min))) : 0.5;
  const at = t * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(at));
  return mix(VIRIDIS[i]!, VIRIDIS[i + 1]!, at - i);
}

/** The stops of the score scale, for a gradient legend. */
export const SCORE_STOPS = VIRIDIS;

const OKABE_ITO = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#000000'];

export const templateColour = (index: number) => OKABE_ITO[index % OKABE_ITO.length]!;

/** No score yet (running) or none at all (errored). */
export const NO_SCORE = '#8c959f';

function mix(from: string, to: string, t: number): string {
  const channel = (hex: string, at: number) => parseInt(hex.slice(at, at + 2), 16);
  const rgb = [1, 3, 5].map((at) => Math.round(channel(from, at) + (channel(to, at) - channel(from, at)) * t));
  return `rgb(${rgb.join(' ')})`;
}
