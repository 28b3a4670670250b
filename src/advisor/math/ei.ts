/** Expected improvement, the acquisition the GP strategy maximises. */
import { normalCdf, normalPdf } from './normal.ts';

/**
 * E[max(f − best − ξ, 0)] for f ~ N(mean, variance) (scores are maximised), and
 * its partial derivatives in the mean and the standard deviation.
 *
 * @example
 * expectedImprovement(1, 0.25, 0.5, 0.01).value; // ≈ 0.51
 */
export function expectedImprovement(mean: number, variance: number, best: number, xi: number) {
  const sd = Math.sqrt(variance);
  const gain = mean - best - xi;
  if (sd < 1e-12) return { value: Math.max(gain, 0), dMean: gain > 0 ? 1 : 0, dSd: 0 };
  const z = gain / sd;
  const cdf = normalCdf(z);
  const pdf = normalPdf(z);
  return { value: gain * cdf + sd * pdf, dMean: cdf, dSd: pdf };
}

