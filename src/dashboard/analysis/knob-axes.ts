/**
 * The axes of a parallel-coordinates chart of knobs: numeric knobs on a linear or
 * log axis as the template's knob config says (its range, not only the values
 * tried so far, so the axes stay put while trials stream in), categorical ones as
 * evenly spaced categories in the config's order. Without a config, what the
 * trials show is used. Fixed knobs, which never vary, get no axis.
 */
import type { KnobConfig, KnobValue } from '../../model/knobs.ts';
import { formatKnob } from '../components/format.ts';

export type KnobAxis =
  | { knob: string; kind: 'numeric'; log: boolean; min: number; max: number; integer: boolean }
  | { knob: string; kind: 'categorical'; values: KnobValue[] };

export function knobAxes(trials: readonly { knobs: Record<string, KnobValue> }[], config?: KnobConfig): KnobAxis[] {
  const seen = (knob: string) => trials.map((t) => t.knobs[knob]).filter((v): v is KnobValue => v !== undefined);
  const names = [...new Set([...Object.keys(config ?? {}), ...trials.flatMap((t) => Object.keys(t.knobs))])];
  const axes: KnobAxis[] = [];
  for (const knob of names) {
    const spec = config?.[knob];
    const values = seen(knob);
    if (spec?.type === 'fixed') continue;
    if (spec?.type === 'categorical') {
      axes.push({ knob, kind: 'categorical', values: [...spec.values, ...new Set(values.filter((v) => !spec.values.includes(v)))] });
    } else if (spec?.type === 'integer' || spec?.type === 'float') {
      const numbers = values.filter((v): v is number => typeof v === 'number');
      const min = Math.min(spec.min, ...numbers);
      const max = Math.max(spec.max, ...numbers);
      axes.push({ knob, kind: 'numeric', log: spec.log && min > 0, min, max, integer: spec.type === 'integer' });
    } else {
      const distinct = [...new Set(values)];
      if (distinct.length < 2) continue;
      if (distinct.every((v) => typeof v === 'number')) {
        const numbers = distinct as number[];
        axes.push({ knob, kind: 'numeric', log: false, min: Math.min(...numbers), max: Math.max(...numbers), integer: numbers.every(Number.isInteger) });
      } else {
        axes.push({ knob, kind: 'categorical', values: distinct.sort((a, b) => String(a).localeCompare(String(b), undefined, { numeric: true })) });
      }
    }
  }
  return axes;
}

/** Where `value` sits on `axis`, from 0 (bottom) to 1 (top); null when it has no place there. */
export function axisPosition(axis: KnobAxis, value: KnobValue | undefined): number | null {
  if (value === undefined) return null;
  if (axis.kind === 'categorical') {
    const i = axis.values.indexOf(value);
    if (i < 0) return null;
    return axis.values.length === 1 ? 0.5 : i / (axis.values.length - 1);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (axis.max === axis.min) return 0.5;
  if (axis.log) return value > 0 ? (Math.log(value) - Math.log(axis.min)) / (Math.log(axis.max) - Math.log(axis.min)) : null;
  return (value - axis.min) / (axis.max - axis.min);
}

/** The labelled marks along an axis: every category; for numbers the ends and a few between (powers of ten on a log axis). */
export function axisTicks(axis: KnobAxis): { at: number; label: string }[] {
  if (axis.kind === 'categorical') return axis.values.map((v) => ({ at: axisPosition(axis, v)!, label: formatKnob(v) }));
  if (axis.max === axis.min) return [{ at: 0.5, label: formatKnob(axis.min) }];
  let values: number[];
  if (axis.log) {
    const powers: number[] = [];
    for (let e = Math.ceil(Math.log10(axis.min)); e <= Math.floor(Math.log10(axis.max)); e++) powers.push(10 ** e);
    values = powers.length >= 3 ? powers : [axis.min, Math.sqrt(axis.min * axis.max), axis.max];
  } else {
    values = [0, 1, 2, 3, 4].map((i) => axis.min + ((axis.max - axis.min) * i) / 4);
    if (axis.integer) values = [...new Set(values.map(Math.round))];
  }
  return values.map((v) => ({ at: axisPosition(axis, v)!, label: formatKnob(v) }));
}
