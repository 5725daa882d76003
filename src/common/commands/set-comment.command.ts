import { requireField } from './shapes';
import type { CommandSpec } from './spec';
import { CommandError, type SetCommentCommand } from './types';

export const MAX_COMMENT = 2000;

export const setCommentCommand: CommandSpec<SetCommentCommand> = {
  type: 'field.setComment',
  apply(graph, cmd) {
    if (cmd.comment.length > MAX_COMMENT) throw new CommandError(`a comment may hold at most ${MAX_COMMENT} characters`);
    return graph.with([{ ...requireField(graph, cmd.id), comment: cmd.comment }]);
  },
  annotate: (cmd) => (cmd.comment ? 'Commented a field' : 'Cleared a comment'),
};
