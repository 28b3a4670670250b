/** The strategies a session can be created with, by the name the API takes. */
import { autoStrategy } from './auto.ts';
import { gpStrategy } from './gp.ts';
import { randomStrategy } from './random.ts';
import type { StrategyFactory } from './strategy.ts';
import { tpeStrategy } from './tpe.ts';

export const STRATEGIES = {
  auto: (space) => autoStrategy(space),
  random: randomStrategy,
  gp: (space) => gpStrategy(space),
  tpe: (space) => tpeStrategy(space),
} as const satisfies Record<string, StrategyFactory>;

export type StrategyName = keyof typeof STRATEGIES;
export type { Observation, ProposeInput, Strategy, StrategyFactory } from './strategy.ts';
