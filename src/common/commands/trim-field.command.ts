import { commitShapes, requireField } from './shapes';
import type { CommandSpec } from './spec';
import { CommandError, type TrimFieldCommand } from './types';

export const trimFieldCommand: CommandSpec<TrimFieldCommand> = {
  type: 'field.trim',
  apply(graph, cmd) {
    if (!(cmd.tolM >= 0 && cmd.tolM <= 100)) throw new CommandError('the trim tolerance must be 0-100 m');
    const f = requireField(graph, cmd.id);
    return commitShapes(graph, [f], cmd.tolM, `trimming field ${f.id}`);
  },
  annotate: () => 'Trimmed a field to its neighbours',
};
