import { requireField } from './shapes';
import { type CommandSpec, plural } from './spec';
import { CommandError, type SetCategoryCommand } from './types';

export const setCategoryCommand: CommandSpec<SetCategoryCommand> = {
  type: 'field.setCategory',
  apply(graph, cmd) {
    if (cmd.ids.length === 0) throw new CommandError('no field to categorise');
    if (!cmd.category) throw new CommandError('the category is empty');
    return graph.with(cmd.ids.map((id) => ({ ...requireField(graph, id), category: cmd.category })));
  },
  annotate: (cmd) => `Set ${plural(cmd.ids.length, 'field')} to ${cmd.category}`,
};
