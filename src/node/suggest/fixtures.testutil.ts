/**
 * Test fixtures of the suggestion engine: small 4-band COGs, model folders that are broken in
 * chosen ways, and a tiny SAM-shaped pair (same input / output names and shapes as DOMAIN.md 4)
 * written with our ONNX writer, to exercise the SAM code path without real weights.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeCog } from '../imagery/cog-writer';
import { GraphBuilder, int, ints, str } from './onnx/onnx-model';
import { builtinModelsDir, sha256 } from './model-manifest';

/** UTM 30N, 3 m pixels, near (-0.9, 9.4). */
export const TEST_GEO = { epsg: 32630, originX: 400020, originY: 1040010, pixelSizeX: 3, pixelSizeY: 3 };

/** A 4-band uint16 COG (blue, green, red, nir) from a pixel function. */
export async function writeTestImage(path: string, width: number, height: number, px: (x: number, y: number) => [number, number, number, number], nodata = 0, geo = TEST_GEO): Promise<void> {
  const bands = [0, 1, 2, 3].map(() => new Uint16Array(width * height));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = px(x, y);
      for (let c = 0; c < 4; c++) bands[c]![y * width + x] = v[c]!;
    }
  }
  await writeCog(path, { width, height, dtype: 'uint16', bands, geo, nodata, bandDescriptions: ['blue', 'green', 'red', 'nir'] });
}

/** Fields of two crops on bare soil, with a grass margin: a scene the boundary model can read. */
export function fieldsScene(x: number, y: number): [number, number, number, number] {
  const fx = Math.floor((x - 20) / 60), fy = Math.floor((y - 20) / 50);
  const inField = x >= 20 && y >= 20 && (x - 20) % 60 >= 2 && (y - 20) % 50 >= 2 && fx < 6 && fy < 7;
  const t = 40 * Math.sin(x * 1.3 + y * 0.7);
  if (!inField) return [700 + t, 950 + t, 1300 + t, 2000 + t];
  return (fx + fy) % 2 === 0 ? [350 + t, 650 + t, 450 + t, 3300 + t] : [500 + t, 800 + t, 900 + t, 2500 + t];
}

/** Copies the built-in boundary-v1 into `root/<id>` with its manifest changed by `edit`. */
export function copyBoundaryModel(root: string, id: string, edit: (m: Record<string, unknown>, dir: string) => void = () => undefined): string {
  const src = join(builtinModelsDir()!, 'boundary-v1');
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  copyFileSync(join(src, 'model.onnx'), join(dir, 'model.onnx'));
  const m = JSON.parse(readFileSync(join(src, 'model.json'), 'utf8')) as Record<string, unknown>;
  m['id'] = id;
  delete m['weights'];
  edit(m, dir);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(m));
  return dir;
}

/** An ONNX file whose bytes are `bytes`, with the manifest's sha256 updated. */
export function replaceOnnx(m: Record<string, unknown>, dir: string, bytes: Uint8Array): void {
  writeFileSync(join(dir, 'model.onnx'), bytes);
  m['sha256'] = sha256(bytes);
}

/** A valid ONNX model with the wrong signature (input "image" [1, 3, H, W]). */
export function wrongSignatureOnnx(): Uint8Array {
  const g = new GraphBuilder('wrong');
  const x = g.input({ name: 'image', type: 'float', shape: [1, 3, 'h', 'w'] });
  g.op('Sigmoid', [x], {}, 'maps');
  g.output({ name: 'maps', type: 'float', shape: [1, 3, 'h', 'w'] });
  return g.encode({ producer: 'test', version: '0', doc: 'wrong signature', modelVersion: 1 });
}

/**
 * A SAM-shaped pair. Encoder: "image" [1, 3, 1024, 1024] -> AveragePool 16 -> 1x1 Conv -> 
 * "image_embeddings" [1, 256, 64, 64]. Decoder: the six SAM inputs -> masks [1, 1, H, W] (the
 * mean embedding minus its mean, resized to orig_im_size: bright areas), iou_predictions [1, 1],
 * low_res_masks [1, 1, 256, 256].
 */
export function writeFakeSam(root: string, id = 'fake-sam'): string {
  const dir = join(root, id);
  mkdirSync(dir, { recursive: true });
  const e = new GraphBuilder('fake-sam-encoder');
  const img = e.input({ name: 'image', type: 'float', shape: [1, 3, 1024, 1024] });
  const pooled = e.op('AveragePool', [img], { kernel_shape: ints([16, 16]), strides: ints([16, 16]) });
  const w = new Float32Array(256 * 3).map((_, i) => 1 / 3 + 0.001 * (i % 7));
  e.op('Conv', [pooled, e.const([256, 3, 1, 1], w)], { group: int(1) }, 'image_embeddings');
  e.output({ name: 'image_embeddings', type: 'float', shape: [1, 256, 64, 64] });
  const d = new GraphBuilder('fake-sam-decoder');
  const emb = d.input({ name: 'image_embeddings', type: 'float', shape: [1, 256, 64, 64] });
  d.input({ name: 'point_coords', type: 'float', shape: [1, 'n', 2] });
  d.input({ name: 'point_labels', type: 'float', shape: [1, 'n'] });
  d.input({ name: 'mask_input', type: 'float', shape: [1, 1, 256, 256] });
  d.input({ name: 'has_mask_input', type: 'float', shape: [1] });
  const size = d.input({ name: 'orig_im_size', type: 'float', shape: [2] });
  const m = d.op('ReduceMean', [emb], { axes: ints([1]), keepdims: int(1) });
  const centred = d.op('Sub', [m, d.op('ReduceMean', [m], { axes: ints([2, 3]), keepdims: int(1) })]);
  const hw = d.op('Cast', [size], { to: int(7) });
  const sizes = d.op('Concat', [d.constI64([1, 1]), hw], { axis: int(0) });
  d.op('Resize', [centred, '', '', sizes], { mode: str('linear') }, 'masks');
  d.op('Resize', [centred, '', '', d.constI64([1, 1, 256, 256])], { mode: str('linear') }, 'low_res_masks');
  d.op('Identity', [d.const([1, 1], [0.9], 'iou')], {}, 'iou_predictions');
  d.output({ name: 'masks', type: 'float', shape: [1, 1, 'H', 'W'] });
  d.output({ name: 'iou_predictions', type: 'float', shape: [1, 1] });
  d.output({ name: 'low_res_masks', type: 'float', shape: [1, 1, 256, 256] });
  const meta = { producer: 'test', version: '0', doc: 'fake SAM', modelVersion: 1 };
  const enc = e.encode(meta), dec = d.encode(meta);
  writeFileSync(join(dir, 'encoder.onnx'), enc);
  writeFileSync(join(dir, 'decoder.onnx'), dec);
  const manifest = {
    id,
    version: '0.0.1',
    kind: 'sam',
    description: 'a SAM-shaped stand-in for tests',
    encoder: { file: 'encoder.onnx', sha256: sha256(enc), input: 'image', output: 'image_embeddings', layout: 'NCHW' },
    decoder: { file: 'decoder.onnx', sha256: sha256(dec) },
    imageSize: 1024,
    normalisation: { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] },
    bands: ['red', 'green', 'blue'],
  };
  writeFileSync(join(dir, 'model.json'), JSON.stringify(manifest, null, 1));
  return dir;
}
