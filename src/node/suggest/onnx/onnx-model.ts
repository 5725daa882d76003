/**
 * ONNX ModelProto written from TypeScript (onnx.proto field numbers, IR version 8, default
 * domain opset 17). `GraphBuilder` names values and collects nodes and initializers; `encode()`
 * gives the bytes of model.onnx. Tensors go in raw_data, little-endian.
 *
 *   ModelProto: ir_version 1, producer_name 2, producer_version 3, domain 4, model_version 5,
 *     doc_string 6, graph 7, opset_import 8 {domain 1, version 2}, metadata_props 14 {key 1, value 2}
 *   GraphProto: node 1, name 2, initializer 5, doc_string 10, input 11, output 12
 *   NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7
 *   AttributeProto: name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, type 20
 *   TensorProto: dims 1, data_type 2, name 8, raw_data 9
 *   ValueInfoProto: name 1, type 2 {tensor_type 1 {elem_type 1, shape 2 {dim 1 {dim_value 1, dim_param 2}}}}
 */
import { PbWriter } from './protobuf';

export const IR_VERSION = 8;
export const OPSET = 17;

export type ElemType = 'float' | 'int64' | 'int32';
const ELEM: Record<ElemType, number> = { float: 1, int32: 6, int64: 7 };

export interface Tensor {
  name: string;
  dims: number[];
  type: ElemType;
  data: Float32Array | BigInt64Array | Int32Array;
}

export type Attr =
  | { kind: 'int'; v: number }
  | { kind: 'float'; v: number }
  | { kind: 'ints'; v: number[] }
  | { kind: 'floats'; v: number[] }
  | { kind: 'string'; v: string }
  | { kind: 'tensor'; v: Tensor };

export const int = (v: number): Attr => ({ kind: 'int', v });
export const float = (v: number): Attr => ({ kind: 'float', v });
export const ints = (v: number[]): Attr => ({ kind: 'ints', v });
export const str = (v: string): Attr => ({ kind: 'string', v });

export interface Node {
  op: string;
  name: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
}

export interface ValueInfo {
  name: string;
  type: ElemType;
  /** numbers are fixed sizes, strings symbolic (dynamic) dimensions */
  shape: (number | string)[];
}

function writeTensor(w: PbWriter, t: Tensor): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, ELEM[t.type]);
  w.string(8, t.name);
  w.bytes(9, new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength).slice());
}

function writeAttr(w: PbWriter, name: string, a: Attr): void {
  w.string(1, name);
  switch (a.kind) {
    case 'float': w.float(2, a.v); w.int(20, 1); break;
    case 'int': w.int(3, a.v); w.int(20, 2); break;
    case 'string': w.string(4, a.v); w.int(20, 3); break;
    case 'tensor': w.message(5, (t) => writeTensor(t, a.v)); w.int(20, 4); break;
    case 'floats': w.packedFloats(7, a.v); w.int(20, 6); break;
    case 'ints': w.packedInts(8, a.v); w.int(20, 7); break;
  }
}

function writeValueInfo(w: PbWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (tp) =>
    tp.message(1, (tt) => {
      tt.int(1, ELEM[v.type]);
      tt.message(2, (sh) => {
        for (const d of v.shape) sh.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }),
  );
}

export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  private counter = 0;

  constructor(readonly name: string) {}

  input(v: ValueInfo): string {
    this.inputs.push(v);
    return v.name;
  }

  output(v: ValueInfo): void {
    this.outputs.push(v);
  }

  private fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  /** A float initializer. */
  const(dims: number[], data: ArrayLike<number>, prefix = 'w'): string {
    const name = this.fresh(prefix);
    this.initializers.push({ name, dims, type: 'float', data: Float32Array.from(data) });
    return name;
  }

  /** An int64 initializer (shapes, pads, slice bounds). */
  constI64(values: number[], prefix = 'i'): string {
    const name = this.fresh(prefix);
    this.initializers.push({ name, dims: [values.length], type: 'int64', data: BigInt64Array.from(values.map((v) => BigInt(v))) });
    return name;
  }

  /** One node with one output (named after the op unless `out` is given). */
  op(op: string, inputs: string[], attrs: Record<string, Attr> = {}, out?: string): string {
    const o = out ?? this.fresh(op.toLowerCase());
    this.nodes.push({ op, name: this.fresh(`n_${op}`), inputs, outputs: [o], attrs });
    return o;
  }

  encode(meta: { producer: string; version: string; doc: string; modelVersion: number; props?: Record<string, string> }): Uint8Array {
    const w = new PbWriter();
    w.int(1, IR_VERSION);
    w.string(2, meta.producer);
    w.string(3, meta.version);
    w.string(4, 'org.fieldmark');
    w.int(5, meta.modelVersion);
    w.string(6, meta.doc);
    w.message(7, (g) => {
      for (const n of this.nodes) {
        g.message(1, (nw) => {
          for (const i of n.inputs) nw.string(1, i);
          for (const o of n.outputs) nw.string(2, o);
          nw.string(3, n.name);
          nw.string(4, n.op);
          for (const [k, a] of Object.entries(n.attrs)) nw.message(5, (aw) => writeAttr(aw, k, a));
        });
      }
      g.string(2, this.name);
      for (const t of this.initializers) g.message(5, (tw) => writeTensor(tw, t));
      for (const v of this.inputs) g.message(11, (vw) => writeValueInfo(vw, v));
      for (const v of this.outputs) g.message(12, (vw) => writeValueInfo(vw, v));
    });
    w.message(8, (o) => {
      o.string(1, '');
      o.int(2, OPSET);
    });
    for (const [k, v] of Object.entries(meta.props ?? {})) {
      w.message(14, (p) => {
        p.string(1, k);
        p.string(2, v);
      });
    }
    return w.finish();
  }
}
