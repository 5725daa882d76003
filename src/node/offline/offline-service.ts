/** The OfflineHost of a FieldmarkService: who may take and return packages, and the events. */
import type { Caller } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import type { EventHub } from '../../common/api/events';
import type { ImageryCache } from '../service/imagery-cache';
import type { Db } from '../store/database';
import type { OfflineHost } from './offline-host';
import { isPackageDb } from './package-db';
import { returnPackage } from './return';
import { takePackage } from './take';

export function offlineHost(s: { db: Db; events: EventHub; imagery: ImageryCache; random?: () => number }): OfflineHost {
  const staff = (c: Caller) => c.role === 'admin' || c.role === 'supervisor';
  const noPackage = () => {
    if (isPackageDb(s.db)) throw new ApiError('CONFLICT', 'this is an offline package: take and return packages on the campaign server');
  };
  return {
    async take(caller, o) {
      noPackage();
      const labellerId = staff(caller) ? o.labellerId : caller.userId;
      if (!labellerId) throw new ApiError('BAD_ARGUMENTS', 'offline take: name the labeller (labeller=ID)');
      if (!staff(caller) && o.labellerId !== undefined && o.labellerId !== caller.userId) throw new ApiError('FORBIDDEN', 'offline take: a labeller takes their own tasks only');
      const r = await takePackage(s.db, s.imagery, { labellerId, n: o.n, out: o.out, ...(s.random ? { random: s.random } : {}) });
      s.events.emit({ type: 'changed', entity: 'assignments', ids: r.assignmentIds });
      return r;
    },
    async return(caller, file) {
      noPackage();
      const r = returnPackage(s.db, caller, file);
      if (r.imported) s.events.emit({ type: 'changed', entity: 'assignments', ids: r.tasks.filter((t) => t.result === 'imported').map((t) => t.assignmentId) });
      return r;
    },
  };
}
