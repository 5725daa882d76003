/**
 * A labeller's trend as a small inline SVG (no chart library): one step per finished task, in
 * order; the running quality (DOMAIN.md 1: mean of the last 5 Class 1 scores minus the return
 * rate of the last 10 tasks) as a line, broken where it is not defined yet; each Class 1 score
 * as a dot; each returned / abandoned task as a red tick on the baseline; the trust threshold as
 * a dashed line. The y axis is fixed at 0..1 (values outside are clamped) so rows compare.
 * `trendGeometry` is pure (unit-tested); `trendChart` draws it.
 */
import type { TrendPoint } from '../../src/common/api/contract';
import { shortDate } from '../ui/format';

export interface TrendBox {
  width: number;
  height: number;
  /** inner margin, px */
  pad: number;
}

export const TREND_BOX: TrendBox = { width: 120, height: 28, pad: 3 };

export interface TrendGeometry {
  /** SVG path of the running quality ('' when it is never defined) */
  line: string;
  dots: { x: number; y: number; score: number; at: string; assignmentId: number }[];
  returns: { x: number; at: string; assignmentId: number }[];
  /** y of the trust threshold (null: none given) */
  threshold: number | null;
  /** number of tasks (TrendPoints) */
  points: number;
}

const r1 = (v: number) => Math.round(v * 10) / 10;

/** x of task i of n: evenly spaced, one task in the middle. */
export function trendX(i: number, n: number, box: TrendBox = TREND_BOX): number {
  const inner = box.width - 2 * box.pad;
  return r1(n <= 1 ? box.pad + inner / 2 : box.pad + (i * inner) / (n - 1));
}

/** y of a value on the fixed 0..1 axis (1 at the top). */
export function trendY(v: number, box: TrendBox = TREND_BOX): number {
  const c = Number.isFinite(v) ? Math.min(1, Math.max(0, v)) : 0;
  return r1(box.pad + (1 - c) * (box.height - 2 * box.pad));
}

export function trendGeometry(trend: readonly TrendPoint[], threshold: number | null = null, box: TrendBox = TREND_BOX): TrendGeometry {
  const n = trend.length;
  let line = '';
  let pen = false;
  const dots: TrendGeometry['dots'] = [];
  const returns: TrendGeometry['returns'] = [];
  trend.forEach((p, i) => {
    const x = trendX(i, n, box);
    if (p.runningQuality !== null && Number.isFinite(p.runningQuality)) {
      line += `${line ? ' ' : ''}${pen ? 'L' : 'M'}${x} ${trendY(p.runningQuality, box)}`;
      pen = true;
    } else pen = false;
    if (p.score !== null && Number.isFinite(p.score)) dots.push({ x, y: trendY(p.score, box), score: p.score, at: p.at, assignmentId: p.assignmentId });
    if (p.returned) returns.push({ x, at: p.at, assignmentId: p.assignmentId });
  });
  return { line, dots, returns, threshold: threshold === null ? null : trendY(threshold, box), points: n };
}

const SVG = 'http://www.w3.org/2000/svg';

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, title?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (title) {
    const t = document.createElementNS(SVG, 'title');
    t.textContent = title;
    el.append(t);
  }
  return el;
}

/** The chart of one labeller (data-points: tasks, data-scores: Class 1 dots, data-returns). */
export function trendChart(trend: readonly TrendPoint[], threshold: number | null, box: TrendBox = TREND_BOX): SVGSVGElement {
  const g = trendGeometry(trend, threshold, box);
  const last = [...trend].reverse().find((p) => p.runningQuality !== null);
  const summary = `${g.points} finished task${g.points === 1 ? '' : 's'}, ${g.dots.length} Class 1 score${g.dots.length === 1 ? '' : 's'}, ${g.returns.length} returned${last?.runningQuality != null ? `; running quality now ${last.runningQuality.toFixed(2)}` : ''}${threshold !== null ? ` (trust threshold ${threshold.toFixed(2)})` : ''}`;
  const root = svg('svg', { class: 'trend-chart', viewBox: `0 0 ${box.width} ${box.height}`, width: box.width, height: box.height, role: 'img', 'aria-label': summary, 'data-points': g.points, 'data-scores': g.dots.length, 'data-returns': g.returns.length });
  const title = svg('title', {});
  title.textContent = summary;
  root.append(title, svg('rect', { class: 'tc-frame', x: 0.5, y: 0.5, width: box.width - 1, height: box.height - 1, rx: 2 }));
  if (g.threshold !== null) root.append(svg('line', { class: 'tc-threshold', x1: box.pad, x2: box.width - box.pad, y1: g.threshold, y2: g.threshold }));
  if (g.line) root.append(svg('path', { class: 'tc-line', d: g.line }));
  for (const r of g.returns) root.append(svg('line', { class: 'tc-return', x1: r.x, x2: r.x, y1: box.height - box.pad, y2: box.height - box.pad - 6 }, `${shortDate(r.at)}: task ${r.assignmentId} returned`));
  for (const d of g.dots) root.append(svg('circle', { class: 'tc-score', cx: d.x, cy: d.y, r: 2 }, `${shortDate(d.at)}: Class 1 score ${d.score.toFixed(2)} (task ${d.assignmentId})`));
  if (!g.points) {
    const empty = svg('text', { class: 'tc-empty', x: box.width / 2, y: box.height / 2 + 3, 'text-anchor': 'middle' });
    empty.textContent = 'no tasks';
    root.append(empty);
  }
  return root;
}
