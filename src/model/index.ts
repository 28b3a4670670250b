/**
 * The model SDK, imported by templates as `rafiki/model` (docs/design.md §4) and by the
 * workers and the Admin: the template contract and knobs, dataset loaders and
 * query encoders, the parameters format, ONNX helpers and `testModel`.
 *
 * @module rafiki/model
 */
export { Model, ONNX_INPUT_METADATA_KEY } from './model.ts';
export type { EarlyStopDecision, JsonValue, ModelClass, OnnxInputSpec, Params, ParamValue, TrainContext, TypedArray } from './model.ts';
export { isClassification, isTask, TASKS, type Task } from './task.ts';
export * from './knobs.ts';
export { mulberry32, permutation, type Rng } from './random.ts';
export type * from './dataset.ts';

export { InputError } from './errors.ts';
export { DatasetError, type DatasetPlace } from './datasets/errors.ts';
export type { DataSource, SourceOptions } from './datasets/source.ts';
export { loadTabularDataset, type TabularLoadOptions, type TabularTraining } from './datasets/tabular.ts';
export { loadImageDataset, type ImageTraining } from './datasets/images.ts';
export { loadDataset, sampleQueries, type LoadOptions } from './datasets/load.ts';
export { describeDataset, type ColumnDescription, type DatasetDescription, type DescribeOptions } from './datasets/describe.ts';
export { decodeImage, type Pixels } from './datasets/image-decode.ts';

export { QueryError } from './queries/errors.ts';
export { encodeTabularQueries, queriesToTabularTensor, tabularInputSpec } from './queries/tabular.ts';
export { imageQueriesToTensor } from './queries/image.ts';

export { decodeParams, encodeParams, ParamsError, PARAMS_FORMAT_VERSION } from './params.ts';
export { loadTemplate, TemplateError } from './template.ts';
export { importTemplate, stageTemplate, type StagedTemplate } from './staged-template.ts';
export { checkPredictions, type PredictionShape } from './checks/predictions.ts';
export { readInputSpec, runOnnx, type OnnxRun } from './checks/onnx-parity.ts';
export { consoleContext } from './checks/console-context.ts';
export { testModel, TestModelError, type TestModelOptions, type TestModelReport, type TrialReport } from './test-model.ts';

export * from './nn/index.ts';
export * from './onnx/index.ts';
