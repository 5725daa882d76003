import { FIELD_ID_RE } from '../graph/field';
import { checked, commitShapes, requireNew } from './shapes';
import type { CommandSpec } from './spec';
import { type AddFieldCommand, CommandError } from './types';

export const addFieldCommand: CommandSpec<AddFieldCommand> = {
  type: 'field.add',
  apply(graph, cmd) {
    if (!FIELD_ID_RE.test(cmd.id)) throw new CommandError(`"${cmd.id}" is not a valid field id`);
    requireNew(graph, cmd.id);
    const geometry = checked(cmd.geometry, 'the new field');
    const field = {
      id: cmd.id,
      geometry,
      category: cmd.category,
      comment: cmd.comment ?? '',
      provenance: cmd.provenance ?? 'drawn',
      ...(cmd.suggestionId ? { suggestionId: cmd.suggestionId } : {}),
    };
    return commitShapes(graph, [field], cmd.trim, 'the new field');
  },
  annotate: (cmd) => (cmd.provenance === 'suggested' ? 'Accepted a suggested field' : 'Drew a field'),
};
