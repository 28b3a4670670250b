/**
 * The search space of a knob config as the strategies see it: one coordinate per
 * tunable knob (a position in [0, 1] for a numeric knob, on the log scale for a
 * log knob; an index for a categorical knob), fixed knobs set aside.
 */
import {
  knobFromUnit, knobToUnit,
  type FloatKnob, type IntegerKnob, type KnobConfig, type Knobs, type KnobValue,
} from '../model/knobs.ts';
import { randomInt, type Rng } from '../model/random.ts';

export type Param =
  | { name: string; kind: 'numeric'; knob: IntegerKnob | FloatKnob }
  | { name: string; kind: 'categorical'; values: KnobValue[] };

/** One coordinate per param, in the order of `SearchSpace.params`. */
export type Point = number[];

export class SearchSpace {
  readonly params: readonly Param[];
  readonly fixed: Readonly<Knobs>;
  /** How many distinct configurations there are; Infinity when a float knob exists. */
  readonly size: number;

  /**
   * @example
   * const space = new SearchSpace({ lr: knobs.float(1e-4, 1, { log: true }), act: knobs.categorical(['relu', 'tanh']) });
   * space.toKnobs([0.5, 1]); // { lr: 0.01, act: 'tanh' }
   */
  constructor(readonly config: KnobConfig) {
    const params: Param[] = [];
    const fixed: Knobs = {};
    let size = 1;
    for (const [name, knob] of Object.entries(config)) {
      if (knob.type === 'fixed') fixed[name] = knob.value;
      else if (knob.type === 'categorical') {
        params.push({ name, kind: 'categorical', values: knob.values });
        size *= knob.values.length;
      } else {
        params.push({ name, kind: 'numeric', knob });
        size *= knob.type === 'integer' ? knob.max - knob.min + 1 : Infinity;
      }
    }
    this.params = params;
    this.fixed = fixed;
    this.size = size;
  }

  /** A uniform random point: what random search proposes. */
  samplePoint(rng: Rng): Point {
    return this.params.map((p) => (p.kind === 'numeric' ? rng() : randomInt(rng, p.values.length)));
  }

  toPoint(knobs: Knobs): Point {
    return this.params.map((p) => {
      const value = knobs[p.name]!;
      return p.kind === 'numeric' ? knobToUnit(p.knob, value as number) : Math.max(0, p.values.indexOf(value));
    });
  }

  /** The knobs at a point; integers are rounded here, at the end. */
  toKnobs(point: Point): Knobs {
    const knobs: Knobs = { ...this.fixed };
    this.params.forEach((p, i) => {
      const x = point[i]!;
      knobs[p.name] = p.kind === 'numeric' ? knobFromUnit(p.knob, x) : p.values[Math.round(x)]!;
    });
    return knobs;
  }
}

/** A key equal for equal knobs (whatever the order of their names), for finding duplicates. */
export function knobsKey(knobs: Knobs): string {
  return JSON.stringify(Object.keys(knobs).sort().map((name) => [name, knobs[name]]));
}
