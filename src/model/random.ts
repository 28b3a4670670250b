/**
 * A small seeded pseudo-random generator, so that the same seed gives the same
 * samples on every runtime (Math.random cannot be seeded).
 */

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/**
 * mulberry32: 32 bits of state, fast, and good enough for sampling knobs (not for
 * cryptography).
 *
 * @example
 * const rng = mulberry32(42);
 * rng(); // 0.6011037519201636, on every run
 */
export function mulberry32(seed: number): Rng {
  if (!Number.isFinite(seed)) throw new Error(`seed must be a finite number but got ${seed}`);
  let state = Math.trunc(seed) >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal sample (Box–Muller). */
export function randomNormal(rng: Rng): number {
  const u = 1 - rng(); // in (0, 1], so the log is finite
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A uniform integer in [0, n). */
export function randomInt(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.floor(rng() * n));
}

/** A seed for a child generator, so that a generator can hand out independent streams. */
export function childSeed(rng: Rng): number {
  return Math.floor(rng() * 4294967296);
}

/** A random permutation of 0..n-1 (Fisher–Yates). */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}
