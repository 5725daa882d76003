import { checked, commitShapes, requireField } from './shapes';
import type { CommandSpec } from './spec';
import type { ReplaceFieldCommand } from './types';

export const replaceFieldCommand: CommandSpec<ReplaceFieldCommand> = {
  type: 'field.replace',
  apply(graph, cmd) {
    const f = requireField(graph, cmd.id);
    const what = `replacing the shape of field ${f.id}`;
    return commitShapes(graph, [{ ...f, geometry: checked(cmd.geometry, what) }], undefined, what);
  },
  annotate: () => 'Fixed a field',
};
