/**
 * A small ONNX graph builder over onnx-proto, shared by the training graphs of
 * `src/model/nn` and the inference export. Names are unique across a builder and
 * all its subgraphs (ONNX forbids a subgraph shadowing an outer name), and
 * constants always live in the root graph so that subgraphs reach them by scope.
 *
 * @example
 * const g = new GraphBuilder('affine');
 * const x = g.input('x', 'float32', ['N', 3]);
 * const y = g.op('Add', [g.op('MatMul', [x, g.constant(w, [3, 2])]), g.constant(b, [2])]);
 * g.output(y, 'float32', ['N', 2], 'y');
 * const bytes = encodeModel(g, { metadata: { note: 'hi' } });
 */
import { onnx } from 'onnx-proto';

export type ElemType = 'float32' | 'int64' | 'int32' | 'bool';
/** A dimension: a fixed size, or a symbolic name for a size known only at run time. */
export type Dim = number | string;
/** number → INT, number[] → INTS, string → STRING, { float } → FLOAT, a graph → GRAPH. */
export type AttrValue = number | number[] | string | { float: number } | { floats: number[] } | onnx.IGraphProto;

const ELEM_TYPES: Record<ElemType, onnx.TensorProto.DataType> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int64: onnx.TensorProto.DataType.INT64,
  int32: onnx.TensorProto.DataType.INT32,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** Opset of the default domain that every graph here targets. */
export const OPSET = 17;

interface Naming { counter: number }

export class GraphBuilder {
  private readonly nodes: onnx.INodeProto[] = [];
  private readonly initializers: onnx.ITensorProto[] = [];
  private readonly inputs: onnx.IValueInfoProto[] = [];
  private readonly outputs: onnx.IValueInfoProto[] = [];
  private readonly used = new Set<string>();
  /** Names handed out by `fresh` and not yet defined. */
  private readonly reserved = new Set<string>();

  constructor(
    readonly name: string,
    private readonly root: GraphBuilder | null = null,
    private readonly naming: Naming = { counter: 0 },
  ) {}

  /** A child graph (a Loop or If body) whose names never clash with this one's. */
  subgraph(name: string): GraphBuilder {
    return new GraphBuilder(name, this.root ?? this, this.naming);
  }

  /** A fresh name with a readable prefix. */
  fresh(prefix: string): string {
    const top = this.root ?? this;
    let name: string;
    do name = `${prefix}_${this.naming.counter++}`; while (top.used.has(name));
    top.used.add(name);
    top.reserved.add(name);
    return name;
  }

  private claim(name: string): string {
    const top = this.root ?? this;
    if (top.reserved.delete(name)) return name;
    if (top.used.has(name)) throw new Error(`ONNX graph name "${name}" is already used`);
    top.used.add(name);
    return name;
  }

  /** Declares a graph input; dims undefined leaves the shape unknown (subgraph inputs). */
  input(name: string, type: ElemType, dims?: Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), type, dims));
    return name;
  }

  /** Declares `value` as a graph output, renamed to `as` through an Identity when given. */
  output(value: string, type: ElemType, dims?: Dim[], as?: string): string {
    const name = as === undefined || as === value ? value : this.op('Identity', [value], {}, as);
    this.outputs.push(valueInfo(name, type, dims));
    return name;
  }

  /** Adds one node and answers its (first) output's name. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputName?: string): string {
    return this.opMulti(opType, inputs, 1, attrs, outputName === undefined ? undefined : [outputName])[0]!;
  }

  /** Adds one node with `outputCount` outputs. */
  opMulti(opType: string, inputs: string[], outputCount: number, attrs: Record<string, AttrValue> = {}, outputNames?: string[]): string[] {
    const output = (outputNames ?? Array.from({ length: outputCount }, () => this.fresh(opType.toLowerCase())))
      .map((n) => this.claim(n));
    this.nodes.push(onnx.NodeProto.create({
      opType,
      input: inputs,
      output,
      name: `${opType}:${output[0]}`,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    }));
    return output;
  }

  /** A float32 constant tensor (kept as a root initializer). */
  constant(values: ArrayLike<number>, dims: number[]): string {
    return this.initializer(tensor(this.fresh('const'), 'float32', values, dims));
  }

  /** An int64 constant tensor, for shapes, axes and indices. */
  constantInt(values: ArrayLike<number>, dims: number[] = [values.length]): string {
    return this.initializer(tensor(this.fresh('ints'), 'int64', values, dims));
  }

  /** A float32 scalar constant. */
  scalar(value: number): string {
    return this.constant([value], []);
  }

  private initializer(t: onnx.ITensorProto): string {
    const top = this.root ?? this;
    top.reserved.delete(t.name!);
    top.initializers.push(t);
    return t.name!;
  }

  /** The graph as a proto (for a Loop body, or for the model). */
  toGraph(): onnx.IGraphProto {
    return onnx.GraphProto.create({
      name: this.name,
      node: this.nodes,
      initializer: this.root ? [] : this.initializers,
      input: this.inputs,
      output: this.outputs,
    });
  }
}

/** Serialises a root graph as an ONNX model, with string metadata_props. */
export function encodeModel(graph: GraphBuilder, opts: { metadata?: Record<string, string>; producer?: string } = {}): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: opts.producer ?? 'rafiki',
    graph: graph.toGraph(),
    metadataProps: Object.entries(opts.metadata ?? {}).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Reads the metadata_props of an encoded model. */
export function readModelMetadata(bytes: Uint8Array): Record<string, string> {
  const model = onnx.ModelProto.decode(bytes);
  return Object.fromEntries(model.metadataProps.map((p) => [p.key ?? '', p.value ?? '']));
}

function valueInfo(name: string, type: ElemType, dims?: Dim[]): onnx.IValueInfoProto {
  const shape = dims && { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) };
  return onnx.ValueInfoProto.create({ name, type: { tensorType: { elemType: ELEM_TYPES[type], ...(shape && { shape }) } } });
}

function tensor(name: string, type: 'float32' | 'int64', values: ArrayLike<number>, dims: number[]): onnx.ITensorProto {
  const size = dims.reduce((a, b) => a * b, 1);
  if (values.length !== size) throw new Error(`constant "${name}" has ${values.length} values but dims [${dims}] need ${size}`);
  if (type === 'int64') {
    return onnx.TensorProto.create({ name, dims, dataType: ELEM_TYPES.int64, int64Data: Array.from(values) });
  }
  const data = Float32Array.from(values);
  return onnx.TensorProto.create({
    name, dims, dataType: ELEM_TYPES.float32,
    rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
  });
}

function attribute(name: string, v: AttrValue): onnx.IAttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw new Error(`attribute "${name}": ${v} is not an integer; write { float: ${v} }`);
    return { name, type: T.INT, i: v };
  }
  if (typeof v === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: T.INTS, ints: v };
  if ('float' in v) return { name, type: T.FLOAT, f: v.float };
  if ('floats' in v) return { name, type: T.FLOATS, floats: v.floats };
  return { name, type: T.GRAPH, g: v };
}
