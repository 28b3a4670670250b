import { onnx } from 'onnx-proto';
import type { Task } from '../task.ts';
import { ONNX_INPUT_METADATA_KEY, type OnnxInputSpec } from '../model.ts';
import { imageQueriesToTensor } from '../queries/image.ts';
import { queriesToTabularTensor } from '../queries/tabular.ts';

export interface OnnxRun {
  spec: OnnxInputSpec;
  /** Output values, one array per query (classification) or one number per query. */
  outputs: (number | number[])[];
}

/**
 * Runs an exported ONNX model on raw queries the way an inference worker does:
 * reads `rafiki.input` from its metadata, builds the FP32 input tensor, runs
 * onnxruntime-node (loaded only here) and checks the output's shape.
 */
export async function runOnnx(bytes: Uint8Array, queries: unknown[], task: Task, classes: number): Promise<OnnxRun> {
  const spec = readInputSpec(bytes);
  if ((spec.kind === 'image') !== (task === 'IMAGE_CLASSIFICATION')) throw new Error(`its ${ONNX_INPUT_METADATA_KEY} is for ${spec.kind} input, not ${task}`);
  const n = queries.length;
  const [data, dims] = spec.kind === 'tabular'
    ? [queriesToTabularTensor(spec, queries), [n, spec.columns.length]]
    : [imageQueriesToTensor(queries, spec), [n, spec.height, spec.width, spec.channels]];
  const ort = await import('onnxruntime-node');
  const session = await ort.InferenceSession.create(bytes);
  try {
    const inputName = session.inputNames[0];
    const outputName = session.outputNames[0];
    if (inputName === undefined || outputName === undefined) throw new Error('the graph has no input or no output');
    const result = await session.run({ [inputName]: new ort.Tensor('float32', data, dims) });
    const output = result[outputName]!;
    const values = Array.from(output.data as Float32Array, Number);
    const expected = task === 'TABULAR_REGRESSION' ? [[n], [n, 1]] : [[n, classes]];
    if (!expected.some((shape) => shape.join() === output.dims.join())) {
      throw new Error(`its output "${outputName}" has shape [${output.dims.join(', ')}], expected [${expected[0]!.join(', ')}]`);
    }
    const outputs = task === 'TABULAR_REGRESSION' ? values : Array.from({ length: n }, (_, i) => values.slice(i * classes, (i + 1) * classes));
    return { spec, outputs };
  } finally {
    await session.release();
  }
}

/** The `rafiki.input` metadata of an ONNX model: how queries become its input tensor. */
export function readInputSpec(bytes: Uint8Array): OnnxInputSpec {
  const model = onnx.ModelProto.decode(bytes);
  const entry = model.metadataProps.find((p) => p.key === ONNX_INPUT_METADATA_KEY);
  if (!entry?.value) throw new Error(`its metadata_props have no "${ONNX_INPUT_METADATA_KEY}" entry`);
  const spec = JSON.parse(entry.value) as OnnxInputSpec;
  if (spec.kind !== 'tabular' && spec.kind !== 'image') throw new Error(`its ${ONNX_INPUT_METADATA_KEY} has an unknown kind: ${entry.value}`);
  return spec;
}
