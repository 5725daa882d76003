/**
 * `?bench=1`: `window.__fieldmarkBench.run()` times, inside the page with performance.now(), the
 * editor's hot paths on the open task, each next to a naive baseline measured in the same run:
 *  - commit: a vertex-drag commit (vertex.move, shared, trimmed): history + index + validation +
 *    one updateData diff; baseline: the same edit followed by a full setData of every field;
 *  - undo / redo: the same pipeline backwards and forwards;
 *  - snap: one snapping lookup through the grid index; baseline: a scan of every field;
 *  - pan: one synchronous frame (map.redraw) after a pan.
 * Commit, undo and redo are timed with the microtasks they leave (so the data MapLibre
 * posts to its workers is included, for ours and the baseline alike). `toData`:
 * until the edit is tiled and ready to draw (ours: the small hot source, while the big source
 * catches up when edits pause: `settleMs`; the baseline: the big source re-tiled).
 */
import type { GeoJSONSource, Map as MlMap } from 'maplibre-gl';
import type { EditCommand } from '../../src/common/commands/types';
import { snapPoint } from '../../src/common/editing/snap';
import type { XY } from '../../src/common/editing/geom';
import type { Editor } from '../editor/editor';
import { fieldFeature, FIELDS_SOURCE, HOT_SOURCE } from '../map/edit-layers';
import { sourceData } from '../map/geojson-data';

export interface BenchOptions {
  edits?: number;
  snaps?: number;
  pans?: number;
  frames?: number;
}

export interface Stat {
  n: number;
  median_ms: number;
  p95_ms: number;
}

function stat(ms: number[]): Stat {
  const s = [...ms].sort((a, b) => a - b);
  const q = (p: number) => {
    const pos = (s.length - 1) * p;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
  };
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return { n: s.length, median_ms: r(q(0.5)), p95_ms: r(q(0.95)) };
}

declare global {
  interface Window {
    __fieldmarkBench?: { ready(): boolean; run(opts?: BenchOptions): Promise<Record<string, unknown>> };
  }
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The map's next idle (all tiles rendered); a repaint is requested so an idle map answers too. */
const idle = (map: MlMap) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, 10_000);
    map.once('idle', () => {
      clearTimeout(t);
      r();
    });
    map.triggerRepaint();
  });

/**
 * Resolves when `source` has loaded new data into its tiles (registered before the change that
 * sends it): the edit is ready to draw. (The frame itself is raster work, which under SwiftShader's
 * software GL dwarfs everything else; see the pan frame.)
 */
function loaded(map: MlMap, source: string): Promise<void> {
  return new Promise<void>((r) => {
    const t = setTimeout(r, 20_000);
    const onData = (e: { sourceId?: string; sourceDataType?: string }) => {
      if (e.sourceId !== source || e.sourceDataType === 'metadata' || !map.isSourceLoaded(source)) return;
      map.off('sourcedata', onData);
      clearTimeout(t);
      r();
    };
    map.on('sourcedata', onData);
  });
}

/**
 * Runs the pending microtasks: MapLibre posts source data to its workers a few awaits after
 * setData / updateData, so that cost is counted (for ours and the baseline alike).
 */
async function free(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

export function installBenchHook(editor: Editor, map: MlMap): void {
  window.__fieldmarkBench = {
    ready: () => !!editor.session && map.loaded() && map.areTilesLoaded(),
    async run(opts: BenchOptions = {}) {
      const s = editor.session;
      if (!s) throw new Error('bench: no task open');
      const rand = rng(7);
      const ids = s.graph.ids();
      const edits = opts.edits ?? 60;
      /** A small drag of vertex 0 of a random field (a shared corner, as in a mosaic). */
      const dragOf = (): EditCommand => {
        const f = s.graph.get(ids[Math.floor(rand() * ids.length)]!)!;
        const p = f.geometry.coordinates[0]![0]!;
        const to: XY = [p[0] + (rand() - 0.5) * 2e-5, p[1] + (rand() - 0.5) * 2e-5];
        return { type: 'vertex.move', id: f.id, ring: 0, index: 0, to, shared: true, trim: 1 };
      };
      await idle(map);
      const commit: number[] = [];
      const undo: number[] = [];
      const redo: number[] = [];
      const toFrame: number[] = [];
      for (let i = 0; i < edits; i++) {
        const cmd = dragOf();
        const frame = i < (opts.frames ?? 10) ? loaded(map, HOT_SOURCE) : null;
        let t0 = performance.now();
        editor.commit(cmd);
        await free();
        commit.push(performance.now() - t0);
        if (frame) {
          await frame;
          toFrame.push(performance.now() - t0);
          await idle(map);
        }
        t0 = performance.now();
        editor.undo();
        await free();
        undo.push(performance.now() - t0);
        t0 = performance.now();
        editor.redo();
        await free();
        redo.push(performance.now() - t0);
      }
      // After the last edit: until the big source has caught up (hot copies gone).
      const tSettle = performance.now();
      while (editor.layers.hotCount > 0 && performance.now() - tSettle < 60_000) await new Promise((r) => setTimeout(r, 20));
      const settle = performance.now() - tSettle;
      await s.flush(120_000);
      // Baseline: the same edits, the whole collection re-uploaded each time (setData).
      const src = map.getSource<GeoJSONSource>(FIELDS_SOURCE)!;
      const baseCommit: number[] = [];
      const baseFrame: number[] = [];
      const baseN = Math.min(edits, 20);
      for (let i = 0; i < baseN; i++) {
        const frame = i < (opts.frames ?? 10) ? loaded(map, FIELDS_SOURCE) : null;
        const t0 = performance.now();
        const h = s.history.apply(dragOf());
        void src.setData(sourceData({ type: 'FeatureCollection', features: [...h.graph.fields()].map(fieldFeature) }));
        await free();
        baseCommit.push(performance.now() - t0);
        if (frame) {
          await frame;
          baseFrame.push(performance.now() - t0);
        }
      }
      void src.setData(sourceData({ type: 'FeatureCollection', features: [...s.graph.fields()].map(fieldFeature) }));
      await idle(map);
      // Snapping lookups at random points of the view, 10 px tolerance.
      const b = map.getBounds();
      const tol = editor.metresPerPixel() * 10;
      const snaps = opts.snaps ?? 2000;
      const pts: XY[] = Array.from({ length: snaps }, () => [b.getWest() + rand() * (b.getEast() - b.getWest()), b.getSouth() + rand() * (b.getNorth() - b.getSouth())]);
      // performance.now() is coarse in a page (0.1 ms): lookups are timed in batches of 20.
      const BATCH = 20;
      const snap: number[] = [];
      let hits = 0;
      for (let k = 0; k + BATCH <= pts.length; k += BATCH) {
        const t0 = performance.now();
        for (let i = k; i < k + BATCH; i++) if (snapPoint(pts[i]!, s.index, tol)) hits++;
        snap.push((performance.now() - t0) / BATCH);
      }
      // Baseline: every field's box tested per lookup (no index).
      const all = [...s.graph.fields()];
      const linear = {
        query: (q: [number, number, number, number]) =>
          all.filter((f) => {
            const c = f.geometry.coordinates[0]!;
            let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
            for (const p of c) {
              if (p[0] < x0) x0 = p[0];
              if (p[0] > x1) x1 = p[0];
              if (p[1] < y0) y0 = p[1];
              if (p[1] > y1) y1 = p[1];
            }
            return x0 <= q[2] && q[0] <= x1 && y0 <= q[3] && q[1] <= y1;
          }),
      };
      const scan: number[] = [];
      for (let k = 0; k + 5 <= 200; k += 5) {
        const t0 = performance.now();
        for (let i = k; i < k + 5; i++) snapPoint(pts[i]!, linear, tol);
        scan.push((performance.now() - t0) / 5);
      }
      // Pan frames: a small pan, then until the frame is on screen (rendered, then the next
      // animation frame: the compositor took it). Also the JS side of the frame alone (redraw).
      const nextFrame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
      const pan: number[] = [];
      const panJs: number[] = [];
      for (let i = 0; i < (opts.pans ?? 20); i++) {
        const rendered = new Promise<void>((r) => map.once('render', () => r()));
        const t0 = performance.now();
        map.panBy([i % 2 ? 40 : -40, 0], { animate: false });
        await rendered;
        await nextFrame();
        pan.push(performance.now() - t0);
        const t1 = performance.now();
        map.redraw();
        panJs.push(performance.now() - t1);
      }
      return {
        fields: s.graph.size,
        inView: new Set(map.queryRenderedFeatures({ layers: ['edit-fields-fill'] }).map((f) => f.properties['fid'])).size,
        commit: stat(commit),
        commitToData: stat(toFrame),
        undo: stat(undo),
        redo: stat(redo),
        snap: { ...stat(snap), hits },
        pan: stat(pan),
        panJs: stat(panJs),
        settleMs: Math.round(settle),
        baseline: { setDataCommit: stat(baseCommit), setDataToData: stat(baseFrame), snapScan: stat(scan) },
        saved: s.pending === 0,
      };
    },
  };
}
