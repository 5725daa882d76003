import { mergePolygons } from '../editing/merge';
import { commitShapes, op, requireField } from './shapes';
import { type CommandSpec, plural } from './spec';
import { CommandError, type MergeFieldsCommand } from './types';

export const mergeFieldsCommand: CommandSpec<MergeFieldsCommand> = {
  type: 'fields.merge',
  apply(graph, cmd) {
    const ids = [...new Set(cmd.ids)];
    if (ids.length < 2) throw new CommandError('merging needs at least 2 different fields');
    const fields = ids.map((id) => requireField(graph, id));
    const what = `merging ${plural(ids.length, 'field')}`;
    const geometry = op(what, () => mergePolygons(fields.map((f) => f.geometry)));
    return commitShapes(graph, [{ ...fields[0]!, geometry }], undefined, what, ids.slice(1));
  },
  annotate: (cmd) => `Merged ${plural(cmd.ids.length, 'field')}`,
};
