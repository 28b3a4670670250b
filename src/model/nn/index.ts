export { createNetwork, Network, type EpochDecision, type FitOptions, type NetworkOptions } from './network.ts';
export { exportNetwork, type NetworkExportOptions } from './export.ts';
export { fitWithReports, type ReportingOptions } from './fit-reporting.ts';
export { networkFromParams, networkParams } from './params.ts';
export { accuracy, r2Score, toRows } from './metrics.ts';
export { solveRidge } from './linear.ts';
export { initialWeights, type Weights } from './init.ts';
export type { OptimizerSpec } from './optimizer.ts';
export { inferShapes, paramInfos, type Layer, type Loss, type NetworkSpec } from './spec.ts';
