import { bySize, splitPolygon } from '../editing/split';
import { FIELD_ID_RE } from '../graph/field';
import { commitShapes, op, requireField, requireNew } from './shapes';
import type { CommandSpec } from './spec';
import { CommandError, type SplitFieldCommand } from './types';

export const splitFieldCommand: CommandSpec<SplitFieldCommand> = {
  type: 'field.split',
  apply(graph, cmd) {
    const f = requireField(graph, cmd.id);
    if (!FIELD_ID_RE.test(cmd.newId)) throw new CommandError(`"${cmd.newId}" is not a valid field id`);
    requireNew(graph, cmd.newId);
    const what = `splitting field ${f.id}`;
    const [big, small] = op(what, () => bySize(splitPolygon(f.geometry, cmd.line)));
    const { suggestionId: _dropped, ...plain } = f;
    return commitShapes(graph, [{ ...f, geometry: big }, { ...plain, id: cmd.newId, geometry: small }], undefined, what);
  },
  annotate: () => 'Split a field',
};
