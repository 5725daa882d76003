/**
 * Requests and answers of the suggestion host (suggest-host.ts): JSON-safe, because they cross
 * the worker boundary (worker_threads, or Electron's utilityProcess) unchanged.
 */
import type { Polygon } from '../../common/geo/geojson';
import type { EngineInfo, EngineModelInfo } from './engine';

export interface HostOptions {
  /** folders searched for models before the built-in ones (e.g. a campaign's retrained models) */
  modelDirs?: string[];
  /** default model id (else FIELDMARK_SUGGEST_MODEL, else the active campaign model, else boundary-v1) */
  defaultModel?: string;
  forceCpu?: boolean;
  /** explicit provider order, e.g. ['webgpu', 'cpu'] */
  providers?: string[];
  threads?: number;
}

/** other dates used at most (each costs one model run per window) */
export const MAX_OTHER_DATES = 8;

/** The `n` items dated nearest `date` (YYYY-MM-DD; ties: the earlier first): the other dates a request gets from a long series. */
export function nearestDates<T extends { date: string }>(items: readonly T[], date: string, n = MAX_OTHER_DATES): T[] {
  const day = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;
  const d0 = day(date);
  return [...items].sort((a, b) => Math.abs(day(a.date) - d0) - Math.abs(day(b.date) - d0) || a.date.localeCompare(b.date)).slice(0, n);
}

/** Another date of the same place (e.g. the off-season quad of a growing-season one). */
export interface OtherDate {
  image: string;
  mask?: string | null;
}

export interface SuggestRequest {
  /** path or http(s) URL of a 4-band (blue, green, red, nir) GeoTIFF / COG */
  image: string;
  /** its UDM2 / UDM mask, if any */
  mask?: string | null;
  /**
   * other dates on the same pixel grid: their boundary and extent maps are averaged with the
   * image's (a border seen in one season only still counts); images on another grid are not
   * used (a warning says so)
   */
  also?: OtherDate[];
  lon?: number;
  lat?: number;
  /** negative clicks, [lon, lat] */
  negatives?: [number, number][];
  /** [minLon, minLat, maxLon, maxLat] */
  box?: [number, number, number, number];
  model?: string;
  /** most vertices of the polygon (default 60) */
  vertexBudget?: number;
}

export interface WindowReport {
  level: number;
  /** [x0, y0, x1, y1) in level pixels */
  box: [number, number, number, number];
  pixelSizeM: number;
  validFraction: number;
  cached: boolean;
}

export interface SuggestResponse {
  polygon: Polygon;
  score: number;
  areaM2: number;
  vertices: number;
  model: EngineModelInfo;
  executionProvider: string;
  /** total; reading + processing the window (0 when cached); the click; tracing the polygon */
  ms: { total: number; window: number; click: number; polygon: number };
  window: WindowReport;
  /** the `also` images whose maps were averaged in (those on the image's grid) */
  otherDates: string[];
  warnings: string[];
}

export interface ProposeRequest {
  image: string;
  mask?: string | null;
  /** other dates on the same grid (SuggestRequest.also) */
  also?: OtherDate[];
  /** the view, [minLon, minLat, maxLon, maxLat] */
  bbox: [number, number, number, number];
  model?: string;
  /** proposals smaller than this are dropped, m^2 (the campaign minimum) */
  minAreaM2?: number;
  /** at most this many, best first (default 300) */
  max?: number;
  vertexBudget?: number;
}

export interface Proposal {
  polygon: Polygon;
  score: number;
  areaM2: number;
  vertices: number;
}

export interface ProposeResponse {
  proposals: Proposal[];
  windows: number;
  /** the `also` images whose maps were averaged in (SuggestResponse.otherDates) */
  otherDates: string[];
  warnings: string[];
  model: EngineModelInfo;
  executionProvider: string;
  ms: number;
}

export interface ModelSummary {
  id: string;
  version: string;
  kind: 'boundary' | 'sam';
  dir: string;
  description: string | null;
  validation: Record<string, unknown> | null;
}

export interface HostInfo {
  defaultModel: string;
  models: ModelSummary[];
  /** model folders that could not be read, and why */
  broken: { dir: string; problem: string }[];
  /** the engines loaded so far (model, execution provider, providers tried) */
  engines: EngineInfo[];
}

export interface WindowTiming {
  model: EngineModelInfo;
  executionProvider: string;
  width: number;
  height: number;
  /** the window's dates (1 + the other dates on its grid) */
  dates: number;
  /** read from the file(s), ms */
  readMs: number;
  /** preprocess + model + basins, ms */
  processMs: number;
}

/**
 * Messages between the client and its host (a worker_threads worker or an Electron utilityProcess,
 * transport.ts): first a HostInit with the host's options, then HostCalls, each answered by one
 * HostReply with the same id.
 */
export type HostMethod = 'info' | 'load' | 'suggest' | 'propose' | 'timeWindow' | 'reset';
export interface HostCall {
  id: number;
  method: HostMethod;
  args: unknown[];
}
export interface HostInit {
  init: HostOptions;
}
export type HostMessage = HostInit | HostCall;
export type HostReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: { code: string; message: string } };
