/**
 * Knobs: the tunable hyperparameters of a template. A knob config maps each knob's
 * name to its spec; the JSON form below is what the database keeps and what the
 * Advisor receives, so it is plain data with no methods.
 *
 * @example
 * static knobConfig = {
 *   hiddenUnits: knobs.integer(16, 512, { log: true }),
 *   learningRate: knobs.float(1e-4, 1e-1, { log: true }),
 *   activation: knobs.categorical(['relu', 'tanh']),
 *   epochs: knobs.fixed(30),
 * };
 */
import Ajv, { type ErrorObject } from 'ajv';
import type { Rng } from './random.ts';

export type KnobValue = number | string | boolean;

export interface FixedKnob { type: 'fixed'; value: KnobValue }
export interface CategoricalKnob { type: 'categorical'; values: KnobValue[] }
export interface IntegerKnob { type: 'integer'; min: number; max: number; log: boolean }
export interface FloatKnob { type: 'float'; min: number; max: number; log: boolean }

export type Knob = FixedKnob | CategoricalKnob | IntegerKnob | FloatKnob;
export type KnobType = Knob['type'];
export type KnobConfig = Record<string, Knob>;
/** One value per knob of a config: what a trial is trained with. */
export type Knobs = Record<string, KnobValue>;

export const knobs = {
  fixed: (value: KnobValue): FixedKnob => ({ type: 'fixed', value }),
  categorical: (values: KnobValue[]): CategoricalKnob => ({ type: 'categorical', values: [...values] }),
  integer: (min: number, max: number, opts: { log?: boolean } = {}): IntegerKnob =>
    ({ type: 'integer', min, max, log: opts.log ?? false }),
  float: (min: number, max: number, opts: { log?: boolean } = {}): FloatKnob =>
    ({ type: 'float', min, max, log: opts.log ?? false }),
};

// ---------------------------------------------------------------------------
// Checking and sampling knob configs. The model SDK imports nothing of the
// server, so these throw a plain `KnobError` that callers turn into their own
// error codes.

/** A knob config or a set of knob values that breaks a rule; the message names the knob. */
export class KnobError extends Error {
  override readonly name = 'KnobError';
}

const knobValueSchema = { type: ['number', 'string', 'boolean'] };
const rangeProperties = {
  type: { type: 'string' },
  min: { type: 'number' },
  max: { type: 'number' },
  log: { type: 'boolean' },
};

/**
 * The JSON schema of a knob config (docs/design.md §4); the rules it cannot say are
 * checked in code. Ajv's "number" excludes NaN and ±Infinity.
 */
export const knobConfigSchema = {
  type: 'object',
  propertyNames: { minLength: 1 },
  additionalProperties: {
    type: 'object',
    required: ['type'],
    discriminator: { propertyName: 'type' },
    oneOf: [
      {
        properties: { type: { const: 'fixed' }, value: knobValueSchema },
        required: ['value'],
        additionalProperties: false,
      },
      {
        properties: { type: { const: 'categorical' }, values: { type: 'array', minItems: 1, items: knobValueSchema } },
        required: ['values'],
        additionalProperties: false,
      },
      {
        properties: { ...rangeProperties, type: { const: 'integer' } },
        required: ['min', 'max'],
        additionalProperties: false,
      },
      {
        properties: { ...rangeProperties, type: { const: 'float' } },
        required: ['min', 'max'],
        additionalProperties: false,
      },
    ],
  },
} as const;

const ajv = new Ajv({ discriminator: true, allowUnionTypes: true });
const checkSchema = ajv.compile(knobConfigSchema);

/**
 * Checks a knob config (parsed JSON or a template's `knobConfig`) and returns it
 * typed, with `log` defaulted to false. Throws a `KnobError` naming the knob and
 * the rule it breaks.
 *
 * @example
 * validateKnobConfig({ lr: { type: 'float', min: 1e-4, max: 1e-1, log: true } });
 * validateKnobConfig({ lr: { type: 'float', min: 0, max: 1, log: true } });
 * // throws KnobError: knob "lr": a log-scale knob needs min > 0 but got min 0
 */
export function validateKnobConfig(config: unknown): KnobConfig {
  if (!checkSchema(config)) throw new KnobError(schemaErrorMessage(checkSchema.errors?.[0]));
  const typed: KnobConfig = {};
  for (const [name, knob] of Object.entries(config as Record<string, Knob>)) {
    typed[name] = checkKnob(name, knob);
  }
  return typed;
}

function schemaErrorMessage(error: ErrorObject | undefined): string {
  if (!error) return 'knob config is invalid';
  if (error.propertyName !== undefined) return 'knob config: knob names must not be empty';
  // instancePath is a JSON pointer: /knob/field, with "~1" for "/" and "~0" for "~".
  const [, knob, ...field] = error.instancePath.split('/').map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (knob === undefined) return `knob config ${error.message ?? 'is invalid'}`;
  if (error.keyword === 'additionalProperties') return `knob "${knob}": has an unknown field "${String(error.params.additionalProperty)}"`;
  if (error.keyword === 'discriminator') return `knob "${knob}": type must be one of "fixed", "categorical", "integer", "float"`;
  return `knob "${knob}": ${field.length > 0 ? `${field.join('.')} ` : ''}${error.message ?? 'is invalid'}`;
}

function checkKnob(name: string, knob: Knob): Knob {
  const fail = (rule: string): never => {
    throw new KnobError(`knob "${name}": ${rule}`);
  };
  switch (knob.type) {
    case 'fixed':
      return { type: 'fixed', value: knob.value };
    case 'categorical': {
      const kinds = new Set(knob.values.map((v) => typeof v));
      if (kinds.size > 1) fail(`values must all be of one type but got ${[...kinds].join(' and ')}`);
      if (new Set(knob.values).size !== knob.values.length) fail(`values must be distinct but got ${JSON.stringify(knob.values)}`);
      return { type: 'categorical', values: [...knob.values] };
    }
    case 'integer':
    case 'float': {
      const log = knob.log ?? false;
      const { min, max } = knob;
      if (knob.type === 'integer' && (!Number.isInteger(min) || !Number.isInteger(max))) {
        fail(`an integer knob needs integer bounds but got min ${min}, max ${max}`);
      }
      if (!(min < max)) fail(`min must be less than max but got min ${min}, max ${max}`);
      if (log && min <= 0) fail(`a log-scale knob needs min > 0 but got min ${min}`);
      return { type: knob.type, min, max, log };
    }
    default:
      return fail(`unknown type ${JSON.stringify((knob as { type: unknown }).type)}`);
  }
}

/**
 * Checks one value per knob of a (valid) config: every knob present, no unknown
 * knob, each value of the right type and in range. Throws a `KnobError` naming
 * the knob.
 *
 * @example
 * validateKnobs({ units: knobs.integer(16, 512) }, { units: 64 }); // ok
 * validateKnobs({ units: knobs.integer(16, 512) }, { units: 6.5 });
 * // throws KnobError: knob "units": must be an integer in [16, 512] but got 6.5
 */
export function validateKnobs(config: KnobConfig, values: Record<string, unknown>): Knobs {
  for (const name of Object.keys(values)) {
    if (!(name in config)) throw new KnobError(`knob "${name}" is not in the knob config`);
  }
  const checked: Knobs = {};
  for (const [name, knob] of Object.entries(config)) {
    const value = values[name];
    const fail = (rule: string): never => {
      throw new KnobError(`knob "${name}": must be ${rule} but got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
    };
    switch (knob.type) {
      case 'fixed':
        if (value !== knob.value) fail(`the fixed value ${JSON.stringify(knob.value)}`);
        break;
      case 'categorical':
        if (!knob.values.includes(value as KnobValue)) fail(`one of ${JSON.stringify(knob.values)}`);
        break;
      case 'integer':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < knob.min || value > knob.max) {
          fail(`an integer in [${knob.min}, ${knob.max}]`);
        }
        break;
      case 'float':
        if (typeof value !== 'number' || !Number.isFinite(value) || value < knob.min || value > knob.max) {
          fail(`a number in [${knob.min}, ${knob.max}]`);
        }
        break;
    }
    checked[name] = value as KnobValue;
  }
  return checked;
}

/**
 * One value per knob, drawn independently: uniform (or log-uniform for `log`
 * knobs) over each range, uniform over categories. Integers are drawn over equal
 * bins so that every integer is equally likely (on the log scale for `log`).
 *
 * @example
 * const rng = mulberry32(7);
 * sampleKnobs({ lr: knobs.float(1e-4, 1e-1, { log: true }), act: knobs.categorical(['relu', 'tanh']) }, rng);
 * // { lr: 0.0031..., act: 'tanh' }, the same for the same seed
 */
export function sampleKnobs(config: KnobConfig, rng: Rng): Knobs {
  const values: Knobs = {};
  for (const [name, knob] of Object.entries(config)) {
    values[name] = sampleKnob(knob, rng);
  }
  return values;
}

function sampleKnob(knob: Knob, rng: Rng): KnobValue {
  switch (knob.type) {
    case 'fixed':
      return knob.value;
    case 'categorical':
      return knob.values[Math.min(knob.values.length - 1, Math.floor(rng() * knob.values.length))]!;
    case 'integer':
    case 'float':
      return knobFromUnit(knob, rng());
  }
}

/**
 * The value of a numeric knob at position `u` in [0, 1] of its range, on the log
 * scale for `log` knobs. Integer knobs split the range into one equal bin per
 * integer, so `u` uniform gives every integer the same chance.
 */
export function knobFromUnit(knob: IntegerKnob | FloatKnob, u: number): number {
  const unit = Math.min(1, Math.max(0, u));
  const [lo, hi] = unitBounds(knob);
  const raw = knob.log ? Math.exp(Math.log(lo) + unit * (Math.log(hi) - Math.log(lo))) : lo + unit * (hi - lo);
  if (knob.type === 'float') return Math.min(knob.max, Math.max(knob.min, raw));
  return Math.min(knob.max, Math.max(knob.min, Math.round(raw)));
}

/** The position in [0, 1] of a numeric knob's value: the inverse of `knobFromUnit`. */
export function knobToUnit(knob: IntegerKnob | FloatKnob, value: number): number {
  const [lo, hi] = unitBounds(knob);
  const u = knob.log ? (Math.log(value) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (value - lo) / (hi - lo);
  return Math.min(1, Math.max(0, u));
}

function unitBounds(knob: IntegerKnob | FloatKnob): [number, number] {
  // Integer bins reach half a step past each bound; a log integer knob has min ≥ 1, so min - 0.5 > 0.
  return knob.type === 'integer' ? [knob.min - 0.5, knob.max + 0.5] : [knob.min, knob.max];
}
