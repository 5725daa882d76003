import type { CommandSpec } from './spec';
import type { RejectSuggestionCommand } from './types';

/** Changes nothing on the map; the history (and edit log) remembers the rejection, so undo brings the suggestion back. */
export const rejectSuggestionCommand: CommandSpec<RejectSuggestionCommand> = {
  type: 'suggestion.reject',
  apply: (graph) => graph,
  annotate: () => 'Rejected a suggestion',
};
