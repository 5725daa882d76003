import { requireField } from './shapes';
import { type CommandSpec, plural } from './spec';
import { CommandError, type DeleteFieldsCommand } from './types';

export const deleteFieldsCommand: CommandSpec<DeleteFieldsCommand> = {
  type: 'field.delete',
  apply(graph, cmd) {
    if (cmd.ids.length === 0) throw new CommandError('no field to delete');
    for (const id of cmd.ids) requireField(graph, id);
    return graph.with([], cmd.ids);
  },
  annotate: (cmd) => `Deleted ${plural(cmd.ids.length, 'field')}`,
};
