/** Opens a campaign database and returns the service every host talks to. */
import { existsSync } from 'node:fs';
import { ApiError } from '../../common/api/errors';
import { openDatabase } from '../store/database';
import { FieldmarkService } from './fieldmark-service';
import { preparePackage } from '../offline/package-db';

export interface OpenServiceOptions {
  dbPath: string;
  /** Create an empty database when the file is missing (default false: a typo should not create files). */
  create?: boolean;
}

export async function openService(opts: OpenServiceOptions): Promise<FieldmarkService> {
  if (!opts.create && !existsSync(opts.dbPath)) {
    throw new ApiError('NOT_FOUND', `${opts.dbPath}: no such database (\`fieldmark demo --out DIR\` makes a demo one, \`serve --create\` an empty one)`);
  }
  const db = openDatabase(opts.dbPath, { create: opts.create ?? false });
  preparePackage(db); // an offline package: its imagery unpacked beside it (src/node/offline)
  return new FieldmarkService(db);
}
