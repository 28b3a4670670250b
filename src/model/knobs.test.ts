import { describe, expect, test } from 'bun:test';
import { KnobError, knobFromUnit, knobs, knobToUnit, sampleKnobs, validateKnobConfig, validateKnobs, type KnobConfig } from './knobs.ts';
import { mulberry32 } from './random.ts';

const config: KnobConfig = {
  units: knobs.integer(16, 512, { log: true }),
  layers: knobs.integer(1, 4),
  lr: knobs.float(1e-4, 1e-1, { log: true }),
  dropout: knobs.float(0, 0.5),
  activation: knobs.categorical(['relu', 'tanh']),
  epochs: knobs.fixed(30),
};

describe('validateKnobConfig', () => {
  test('accepts the builders and plain JSON, defaulting log to false', () => {
    expect(validateKnobConfig(config)).toEqual(config);
    expect(validateKnobConfig({ x: { type: 'float', min: 0, max: 1 } })).toEqual({ x: { type: 'float', min: 0, max: 1, log: false } });
    expect(validateKnobConfig({})).toEqual({});
  });

  const invalid: [string, unknown, RegExp][] = [
    ['min < max', { lr: { type: 'float', min: 1, max: 1 } }, /knob "lr": min must be less than max but got min 1, max 1/],
    ['log needs min > 0', { lr: { type: 'float', min: 0, max: 1, log: true } }, /knob "lr": a log-scale knob needs min > 0/],
    ['integer bounds', { n: { type: 'integer', min: 0.5, max: 3 } }, /knob "n": an integer knob needs integer bounds/],
    ['non-empty categorical', { act: { type: 'categorical', values: [] } }, /knob "act": values must NOT have fewer than 1 items/],
    ['one-typed categorical', { act: { type: 'categorical', values: ['relu', 1] } }, /knob "act": values must all be of one type/],
    ['distinct categorical', { act: { type: 'categorical', values: ['relu', 'relu'] } }, /knob "act": values must be distinct/],
    ['non-empty names', { '': { type: 'fixed', value: 1 } }, /knob names must not be empty/],
    ['known type', { x: { type: 'double', min: 0, max: 1 } }, /knob "x": type must be one of/],
    ['number bounds', { x: { type: 'float', min: '0', max: 1 } }, /knob "x": min must be number/],
    ['no unknown fields', { x: { type: 'float', min: 0, max: 1, step: 2 } }, /knob "x": has an unknown field "step"/],
    ['a type', { x: { min: 0, max: 1 } }, /knob "x": must have required property 'type'/],
    ['an object', [1, 2], /knob config must be object/],
    ['finite bounds', { x: knobs.float(0, Infinity) }, /knob "x": max must be number/],
  ];
  for (const [rule, bad, message] of invalid) {
    test(`rejects a config that breaks "${rule}", naming the knob`, () => {
      expect(() => validateKnobConfig(bad)).toThrow(KnobError);
      expect(() => validateKnobConfig(bad)).toThrow(message);
    });
  }
});

describe('validateKnobs', () => {
  const good = { units: 64, layers: 2, lr: 0.01, dropout: 0.1, activation: 'tanh', epochs: 30 };

  test('accepts one valid value per knob', () => {
    expect(validateKnobs(config, good)).toEqual(good);
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    ['a missing knob', { ...good, lr: undefined }, /knob "lr": must be a number in \[0.0001, 0.1\] but got nothing/],
    ['a value out of range', { ...good, dropout: 0.9 }, /knob "dropout": must be a number in \[0, 0.5\] but got 0.9/],
    ['a fractional integer', { ...good, layers: 1.5 }, /knob "layers": must be an integer in \[1, 4\]/],
    ['a wrong type', { ...good, lr: '0.01' }, /knob "lr": must be a number/],
    ['an unknown category', { ...good, activation: 'gelu' }, /knob "activation": must be one of \["relu","tanh"\]/],
    ['a changed fixed value', { ...good, epochs: 10 }, /knob "epochs": must be the fixed value 30/],
    ['an unknown knob', { ...good, momentum: 0.9 }, /knob "momentum" is not in the knob config/],
  ];
  for (const [what, values, message] of invalid) {
    test(`rejects ${what}, naming the knob`, () => {
      expect(() => validateKnobs(config, values)).toThrow(message);
    });
  }
});

describe('sampleKnobs', () => {
  test('draws valid values, the same for the same seed', () => {
    const a = Array.from({ length: 50 }, (_, i) => sampleKnobs(config, mulberry32(i)));
    const b = Array.from({ length: 50 }, (_, i) => sampleKnobs(config, mulberry32(i)));
    expect(a).toEqual(b);
    for (const values of a) expect(validateKnobs(config, values)).toEqual(values);
  });

  test('is log-uniform on log knobs and gives every integer the same chance', () => {
    const rng = mulberry32(3);
    const draws = Array.from({ length: 4000 }, () => sampleKnobs(config, rng));
    const belowGeometricMidpoint = draws.filter((d) => (d.lr as number) < 10 ** -2.5).length / draws.length;
    expect(belowGeometricMidpoint).toBeGreaterThan(0.45);
    expect(belowGeometricMidpoint).toBeLessThan(0.55);
    for (const layers of [1, 2, 3, 4]) {
      const share = draws.filter((d) => d.layers === layers).length / draws.length;
      expect(share).toBeGreaterThan(0.2);
      expect(share).toBeLessThan(0.3);
    }
    expect(new Set(draws.map((d) => d.activation))).toEqual(new Set(['relu', 'tanh']));
  });

  test('unit positions map back to the same values', () => {
    const units = knobs.integer(16, 512, { log: true });
    for (const value of [16, 17, 100, 511, 512]) expect(knobFromUnit(units, knobToUnit(units, value))).toBe(value);
    const lr = knobs.float(1e-4, 1e-1, { log: true });
    expect(knobFromUnit(lr, knobToUnit(lr, 0.003))).toBeCloseTo(0.003, 12);
    expect(knobFromUnit(lr, 2)).toBe(1e-1);
  });
});

describe('mulberry32', () => {
  test('is reproducible and roughly uniform', () => {
    const rng = mulberry32(42);
    const xs = Array.from({ length: 10000 }, rng);
    expect(mulberry32(42)()).toBe(xs[0]!);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 1);
  });
});
