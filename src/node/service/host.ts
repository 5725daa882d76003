/**
 * What a host (HTTP server, Electron main, CLI) needs from the service: an API bound to a caller,
 * the event hub, and tile rendering (binary, outside the API).
 */
import type { Caller, FieldmarkApi } from '../../common/api/contract';
import type { EventHub } from '../../common/api/events';
import type { OfflineHost } from '../offline/offline-host';
import type { ExportHost } from '../campaign/http-export';
import type { ImportHost } from '../campaign/http-import';
import type { RiskTileRequest, TileRequest } from '../../common/api/tiles';

export interface ServiceHost {
  /** The API as seen by this caller (authorization of data happens inside). */
  as(caller: Caller): FieldmarkApi;
  /** The caller a local desktop user (Electron, `serve` on 127.0.0.1 without --host) acts as. */
  readonly localCaller: Caller;
  readonly events: EventHub;
  /** The caller a sign-in token belongs to, or null for an unknown token. */
  callerForToken(token: string): Caller | null;
  /**
   * A PNG, or null when the tile does not touch the scene. Throws ApiError for bad scenes /
   * forbidden access, an AbortError when `signal` fires first (the client went away).
   */
  renderTile(caller: Caller, req: TileRequest, opts?: { signal?: AbortSignal }): Promise<Buffer | null>;
  /**
   * A PNG of a site's consensus risk map (null when the tile misses it). Staff only: a labeller
   * gets FORBIDDEN; a site without a stored risk map NOT_FOUND. Hosts without it answer 404.
   */
  renderRiskTile?(caller: Caller, req: RiskTileRequest, opts?: { signal?: AbortSignal }): Promise<Buffer | null>;
  /** Offline packages (`/offline/take`, `/offline/return`); hosts without it answer 404. */
  readonly offline?: OfflineHost;
  /** Staff exports as files (`/export/<what>.<format>`); hosts without it answer 404. */
  readonly exports?: ExportHost;
  /** Staff uploads (`POST /import/labels|sites|scene`); hosts without it answer 404. */
  readonly imports?: ImportHost;
  close(): void;
}
