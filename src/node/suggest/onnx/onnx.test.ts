import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../demo/rng';
import { contextFeatureCount, contextFeatures, type ContextSpec } from '../boundary/context';
import { computeFeatures, featureCount, type BankSpec } from '../boundary/filter-bank';
import { initMlp, predictMap } from '../boundary/mlp';
import { buildBoundaryGraph, INPUT_NAME, OUTPUT_NAME } from '../boundary/onnx-graph';
import { GraphBuilder, int, IR_VERSION, OPSET } from './onnx-model';
import { PbWriter, readFields } from './protobuf';

describe('protobuf writer', () => {
  it('writes varints (negative int64 as 10 bytes), strings and nested messages a reader can walk', () => {
    const w = new PbWriter();
    w.int(1, 300);
    w.int(2, -1);
    w.string(3, 'Conv');
    w.message(4, (m) => m.int(1, 7));
    const f = readFields(w.finish());
    expect(f.map((x) => x.field)).toEqual([1, 2, 3, 4]);
    expect(f[0]!.value).toBe(300n);
    expect(f[1]!.value).toBe(0xffffffffffffffffn);
    expect(new TextDecoder().decode(f[2]!.value as Uint8Array)).toBe('Conv');
    expect(readFields(f[3]!.value as Uint8Array)[0]!.value).toBe(7n);
  });

  it('a ModelProto onnxruntime loads and runs', async () => {
    const g = new GraphBuilder('t');
    const x = g.input({ name: 'x', type: 'float', shape: [1, 2, 'h', 'w'] });
    const y = g.op('Conv', [x, g.const([1, 2, 1, 1], [1, -1]), g.const([1], [0.5], 'b')], { group: int(1) });
    g.op('Relu', [y], {}, 'y');
    g.output({ name: 'y', type: 'float', shape: [1, 1, 'h', 'w'] });
    const bytes = g.encode({ producer: 'fieldmark', version: 't', doc: 'test', modelVersion: 1 });
    const top = readFields(bytes);
    expect(top.find((f) => f.field === 1)!.value).toBe(BigInt(IR_VERSION));
    expect(readFields(top.find((f) => f.field === 8)!.value as Uint8Array).find((f) => f.field === 2)!.value).toBe(BigInt(OPSET));
    const s = await ort.InferenceSession.create(bytes);
    const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from([3, 1, 0, 5]), [1, 2, 1, 2]) });
    expect(Array.from(out['y']!.data as Float32Array)).toEqual([3.5, 0]);
    await s.release();
  });
});

describe('the boundary graph computes what the TypeScript model computes', () => {
  it('agrees within 1e-4 on a random input and random weights', async () => {
    const bank: BankSpec = { channels: 5, sigmas: [0.7, 1, 2] };
    const ctx: ContextSpec = { orientations: 4, lineRadius: 4, lineAlong: 2.5, lineAcross: 0.8, smoothBoundary: 1.5, smoothExtent: 2 };
    const stage1 = initMlp([featureCount(bank), 6, 4, 2], 1);
    const stage2 = initMlp([contextFeatureCount(4, ctx), 5, 2], 2);
    const rng = new Rng(3);
    for (const m of [stage1, stage2]) for (let i = 0; i < m.mean.length; i++) { m.mean[i] = rng.normal() * 0.1; m.std[i] = 0.5 + rng.next(); }
    const W = 40, H = 33, N = W * H;
    const input = new Float32Array(5 * N).map(() => rng.normal());
    const r1 = predictMap(stage1, computeFeatures(input, W, H, bank), N);
    const ts = predictMap(stage2, contextFeatures(r1.hidden, 4, r1.out, W, H, ctx), N).out;
    const bytes = buildBoundaryGraph({ bank, stage1, context: ctx, stage2 }).encode({ producer: 'fieldmark', version: 't', doc: 'test', modelVersion: 1 });
    const s = await ort.InferenceSession.create(bytes);
    const out = (await s.run({ [INPUT_NAME]: new ort.Tensor('float32', input, [1, 5, H, W]) }))[OUTPUT_NAME]!;
    await s.release();
    expect(out.dims).toEqual([1, 2, H, W]);
    const o = out.data as Float32Array;
    let worst = 0;
    for (let i = 0; i < o.length; i++) worst = Math.max(worst, Math.abs(o[i]! - ts[i]!));
    expect(worst).toBeLessThan(1e-4);
  });
});
