import type { Knobs } from '../../model/knobs.ts';
import { randomInt, randomNormal, type Rng } from '../../model/random.ts';
import type { SearchSpace } from '../space.ts';

/** Knobs ⇄ vectors in [0, 1]^D with one coordinate per numeric knob and one per category. */
export class OneHotEncoder {
  readonly dims: number;
  readonly numericDims: number[] = [];
  private readonly offsets: number[] = [];

  constructor(private readonly space: SearchSpace) {
    let offset = 0;
    for (const p of space.params) {
      this.offsets.push(offset);
      if (p.kind === 'numeric') this.numericDims.push(offset);
      offset += p.kind === 'numeric' ? 1 : p.values.length;
    }
    this.dims = offset;
  }

  encode(knobs: Knobs): Float64Array {
    const x = new Float64Array(this.dims);
    this.space.toPoint(knobs).forEach((v, i) => {
      const p = this.space.params[i]!;
      if (p.kind === 'numeric') x[this.offsets[i]!] = v;
      else x[this.offsets[i]! + v] = 1;
    });
    return x;
  }

  decode(x: Float64Array): Knobs {
    const point = this.space.params.map((p, i) => {
      const offset = this.offsets[i]!;
      if (p.kind === 'numeric') return x[offset]!;
      let arg = 0;
      for (let c = 1; c < p.values.length; c++) if (x[offset + c]! > x[offset + arg]!) arg = c;
      return arg;
    });
    return this.space.toKnobs(point);
  }

  randomVector(rng: Rng): Float64Array {
    const x = new Float64Array(this.dims);
    this.space.params.forEach((p, i) => {
      const offset = this.offsets[i]!;
      if (p.kind === 'numeric') x[offset] = rng();
      else x[offset + randomInt(rng, p.values.length)] = 1;
    });
    return x;
  }

  /** A Gaussian step from x in the numeric coordinates; occasionally one categorical knob changes. */
  perturb(x: Float64Array, sd: number, rng: Rng): Float64Array {
    const out = Float64Array.from(x);
    for (const d of this.numericDims) out[d] = Math.min(1, Math.max(0, x[d]! + sd * randomNormal(rng)));
    this.space.params.forEach((p, i) => {
      if (p.kind !== 'categorical' || rng() > 0.2) return;
      const offset = this.offsets[i]!;
      out.fill(0, offset, offset + p.values.length);
      out[offset + Math.floor(rng() * p.values.length)] = 1;
    });
    return out;
  }
}

