import { reshapePolygon } from '../editing/reshape';
import { commitShapes, op, requireField } from './shapes';
import type { CommandSpec } from './spec';
import type { ReshapeFieldCommand } from './types';

export const reshapeFieldCommand: CommandSpec<ReshapeFieldCommand> = {
  type: 'field.reshape',
  apply(graph, cmd) {
    const f = requireField(graph, cmd.id);
    const what = `reshaping field ${f.id}`;
    const geometry = op(what, () => reshapePolygon(f.geometry, cmd.path));
    return commitShapes(graph, [{ ...f, geometry }], cmd.trim, what);
  },
  annotate: () => 'Reshaped a field',
};
