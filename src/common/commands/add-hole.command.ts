import { addHole } from '../editing/hole';
import { commitShapes, op, requireField } from './shapes';
import type { CommandSpec } from './spec';
import type { AddHoleCommand } from './types';

export const addHoleCommand: CommandSpec<AddHoleCommand> = {
  type: 'hole.add',
  apply(graph, cmd) {
    const f = requireField(graph, cmd.id);
    const what = `adding a hole to field ${f.id}`;
    const geometry = op(what, () => addHole(f.geometry, cmd.ring));
    return commitShapes(graph, [{ ...f, geometry }], undefined, what);
  },
  annotate: () => 'Added a hole',
};
