export { encodeModel, GraphBuilder, OPSET, readModelMetadata, type AttrValue, type Dim, type ElemType } from './builder.ts';
export { buildInferenceModel, INFERENCE_IO, type InferenceModelOptions } from './export.ts';
export { inputSpec, type InferenceInput } from './preprocess.ts';
