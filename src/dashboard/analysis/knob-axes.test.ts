import { expect, test } from 'bun:test';
import { knobs } from '../../model/knobs.ts';
import { axisPosition, axisTicks, knobAxes } from './knob-axes.ts';

test('axes from the knob config: log and linear ranges as configured, categories in order, fixed knobs left out', () => {
  const config = {
    lr: knobs.float(1e-4, 1, { log: true }),
    units: knobs.integer(10, 50),
    opt: knobs.categorical(['adam', 'sgd', 'rmsprop']),
    epochs: knobs.fixed(5),
  };
  const axes = knobAxes([{ knobs: { lr: 0.01, units: 20, opt: 'sgd', epochs: 5 } }], config);
  expect(axes.map((a) => a.knob)).toEqual(['lr', 'units', 'opt']);
  const [lr, units, opt] = axes;
  expect(axisPosition(lr!, 0.01)).toBeCloseTo(0.5, 12); // halfway between 1e-4 and 1 on a log scale
  expect(axisPosition(units!, 20)).toBeCloseTo(0.25, 12);
  expect(axisPosition(opt!, 'sgd')).toBe(0.5);
  expect(axisPosition(opt!, 'other')).toBeNull();
  expect(axisTicks(lr!).map((t) => t.label)).toEqual(['1e-4', '0.001', '0.01', '0.1', '1']);
  expect(axisTicks(units!).map((t) => t.label)).toEqual(['10', '20', '30', '40', '50']);
  expect(axisTicks(opt!).map((t) => [t.at, t.label])).toEqual([[0, 'adam'], [0.5, 'sgd'], [1, 'rmsprop']]);
});

test('without a config, axes from the values tried: numbers linear over their range, the rest as categories, constants left out', () => {
  const trials = [{ knobs: { a: 1, b: 'x', c: true, d: 7 } }, { knobs: { a: 3, b: 'y', c: false, d: 7 } }];
  const axes = knobAxes(trials);
  expect(axes).toEqual([
    { knob: 'a', kind: 'numeric', log: false, min: 1, max: 3, integer: true },
    { knob: 'b', kind: 'categorical', values: ['x', 'y'] },
    { knob: 'c', kind: 'categorical', values: [false, true] },
  ]);
});
