/**
 * `fieldmark user add --db FILE --name N --role labeller|supervisor|admin [--id ID] [--password-stdin]`
 * prints `{id, token}` (the static token is shown once; only its sha256 is stored).
 * `fieldmark user passwd --db FILE --id ID` reads a new password from stdin (never from the
 * command line, where other users of the machine could read it).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Role } from '../../../common/api/contract';
import { ApiError } from '../../../common/api/errors';
import { CAMPAIGN_METHODS } from '../../../common/api/campaign-schemas';
import { createAccount, setPassword } from '../../auth/accounts';
import { openDatabase } from '../../store/database';
import { requireString } from '../args';
import type { CliCommand } from '../command';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function checkPassword(p: string): string {
  const r = CAMPAIGN_METHODS.setPassword.args.safeParse(['x', p]);
  if (!r.success) throw new ApiError('BAD_ARGUMENTS', `user: the password ${r.error.issues[0]?.message ?? 'is not valid'}`);
  return p;
}

export const userCommand: CliCommand = {
  name: 'user',
  summary: 'Accounts: `user add` (an account and its sign-in token), `user passwd` (a password, from stdin).',
  usage: 'add --db FILE [--create] --name N --role labeller|supervisor|admin [--id ID] [--password-stdin] | passwd --db FILE --id ID',
  allowPositionals: true,
  options: {
    db: { type: 'string', description: 'the campaign database' },
    name: { type: 'string', description: 'the display name (also the sign-in name)' },
    role: { type: 'string', description: 'labeller, supervisor or admin' },
    id: { type: 'string', description: 'the account id (default: made from the name)' },
    'password-stdin': { type: 'boolean', description: 'also set a password, read from stdin' },
    create: { type: 'boolean', description: 'user add: make the database file when it does not exist (a new campaign set up in the app)' },
  },
  async run(opts, pos, ctx) {
    const sub = pos[0];
    if ((sub !== 'add' && sub !== 'passwd') || pos.length > 1) throw new ApiError('BAD_ARGUMENTS', 'user: give `add` or `passwd`');
    const path = resolve(ctx.cwd, requireString(opts, 'db', 'user'));
    const create = sub === 'add' && opts.create === true;
    if (!existsSync(path) && !create) throw new ApiError('NOT_FOUND', `${path}: no such database (\`user add --create\` makes one)`);
    const id = typeof opts.id === 'string' ? opts.id : undefined;
    if (id !== undefined && !/^[A-Za-z0-9_.:-]{1,128}$/.test(id)) throw new ApiError('BAD_ARGUMENTS', `user: --id "${id.slice(0, 40)}" may contain only letters, digits and _ . : -`);
    if (sub === 'passwd') {
      if (!id) throw new ApiError('BAD_ARGUMENTS', 'user passwd: --id is required');
      const password = checkPassword(await readStdin());
      const db = openDatabase(path, { create: false });
      try {
        await setPassword(db, { userId: null, role: 'admin' }, id, password);
      } finally {
        db.close();
      }
      return { value: { id, password: 'set' }, text: `password set for ${id}` };
    }
    const name = requireString(opts, 'name', 'user add');
    const role = requireString(opts, 'role', 'user add');
    if (!['labeller', 'supervisor', 'admin'].includes(role)) throw new ApiError('BAD_ARGUMENTS', `user add: --role must be labeller, supervisor or admin, got "${role.slice(0, 20)}"`);
    const parsed = CAMPAIGN_METHODS.addUser.args.safeParse([{ name, role }]);
    if (!parsed.success) throw new ApiError('BAD_ARGUMENTS', `user add: --name ${parsed.error.issues[0]?.message ?? 'is not valid'}`);
    const password = opts['password-stdin'] === true ? checkPassword(await readStdin()) : undefined;
    const db = openDatabase(path, { create });
    try {
      const u = await createAccount(db, { name, role: role as Role, ...(id ? { id } : {}), ...(password ? { password } : {}) });
      return { value: { id: u.id, token: u.token, name: u.name, role: u.role }, text: `created ${u.role} ${u.id} (${u.name}); sign-in token (shown once):\n${u.token}` };
    } finally {
      db.close();
    }
  },
};
