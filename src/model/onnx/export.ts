/**
 * Inference models for templates: raw queries in, probabilities or values out,
 * with the preprocessing and the `rafiki.input` metadata that inference workers
 * read. The model itself is whatever `body` emits on the encoded input.
 *
 * @example
 * const bytes = buildInferenceModel({
 *   input: { kind: 'tabular', encoding },
 *   output: { kind: 'values' },
 *   body: (g, x) => g.op('Add', [g.op('MatMul', [x, g.constant(w, [encoding.width])]), g.scalar(b)]),
 * });
 */
import { ONNX_INPUT_METADATA_KEY } from '../model.ts';
import { encodeModel, GraphBuilder } from './builder.ts';
import { emitImageScaling, emitTabularEncoding, inputSpec, type InferenceInput } from './preprocess.ts';

/** Names of every exported model's input and output. */
export const INFERENCE_IO = { input: 'input', output: 'output' } as const;

export interface InferenceModelOptions {
  input: InferenceInput;
  output: { kind: 'probabilities'; classes: number } | { kind: 'values' };
  /**
   * Emits the model on the encoded input (tabular [N, width]; images [N, H, W, C]
   * scaled to 0–1) and answers probabilities [N, classes] or values [N].
   */
  body: (g: GraphBuilder, x: string) => string;
}

export function buildInferenceModel(opts: InferenceModelOptions): Uint8Array {
  const g = new GraphBuilder('rafiki');
  const { input } = opts;
  const dims = input.kind === 'image'
    ? ['N', input.shape.height, input.shape.width, input.shape.channels]
    : ['N', input.encoding.columns.length];
  const raw = g.input(INFERENCE_IO.input, 'float32', dims);
  const x = input.kind === 'image' ? emitImageScaling(g, raw) : emitTabularEncoding(g, raw, input.encoding);
  const y = opts.body(g, x);
  g.output(y, 'float32', opts.output.kind === 'values' ? ['N'] : ['N', opts.output.classes], INFERENCE_IO.output);
  return encodeModel(g, { metadata: { [ONNX_INPUT_METADATA_KEY]: JSON.stringify(inputSpec(input)) } });
}
