/**
 * What the HTTP host needs for offline packages (ServiceHost.offline): take a package for a
 * caller into a file, and return one from a file. FieldmarkService provides it (offlineHost).
 */
import type { Caller, OfflineReturnResult, OfflineTakeResult } from '../../common/api/contract';

export interface OfflineHost {
  /** Writes a package for the labeller (a labeller: themselves; staff: anyone) to `out`. */
  take(caller: Caller, opts: { labellerId?: string; n: number; out: string }): Promise<OfflineTakeResult>;
  /** Imports a package file task by task (see src/node/offline/return.ts). */
  return(caller: Caller, file: string): Promise<OfflineReturnResult>;
}
