/**
 * `applyCommand(graph, command)`: the one entry point (client optimistic edits, server writes
 * and log replay all use it). Throws CommandError, with a message for the user, when the command
 * does not apply; the graph given is never changed.
 */
import type { Graph } from '../graph/graph';
import { addFieldCommand } from './add-field.command';
import { addHoleCommand } from './add-hole.command';
import { deleteFieldsCommand } from './delete-fields.command';
import { deleteVertexCommand } from './delete-vertex.command';
import { insertVertexCommand } from './insert-vertex.command';
import { mergeFieldsCommand } from './merge-fields.command';
import { moveFieldsCommand } from './move-fields.command';
import { moveVertexCommand } from './move-vertex.command';
import { rejectSuggestionCommand } from './reject-suggestion.command';
import { replaceFieldCommand } from './replace-field.command';
import { reshapeFieldCommand } from './reshape-field.command';
import { setCategoryCommand } from './set-category.command';
import { setCommentCommand } from './set-comment.command';
import type { CommandSpec } from './spec';
import { splitFieldCommand } from './split-field.command';
import { trimFieldCommand } from './trim-field.command';
import { CommandError, type EditCommand, type SimpleCommand } from './types';

const SPECS: { [T in SimpleCommand['type']]: CommandSpec<Extract<SimpleCommand, { type: T }>> } = {
  'field.add': addFieldCommand,
  'field.delete': deleteFieldsCommand,
  'vertex.move': moveVertexCommand,
  'vertex.insert': insertVertexCommand,
  'vertex.delete': deleteVertexCommand,
  'field.move': moveFieldsCommand,
  'hole.add': addHoleCommand,
  'field.split': splitFieldCommand,
  'fields.merge': mergeFieldsCommand,
  'field.reshape': reshapeFieldCommand,
  'field.setCategory': setCategoryCommand,
  'field.setComment': setCommentCommand,
  'field.replace': replaceFieldCommand,
  'field.trim': trimFieldCommand,
  'suggestion.reject': rejectSuggestionCommand,
};

function spec(type: string): CommandSpec<SimpleCommand> {
  const s = (SPECS as Record<string, CommandSpec<SimpleCommand> | undefined>)[type];
  if (!s) throw new CommandError(`unknown edit command "${type}"`);
  return s;
}

export function applyCommand(graph: Graph, cmd: EditCommand): Graph {
  if (cmd.type === 'batch') {
    if (cmd.commands.length === 0) throw new CommandError('an empty batch of edits');
    return cmd.commands.reduce((g, c) => spec(c.type).apply(g, c), graph);
  }
  return spec(cmd.type).apply(graph, cmd);
}

/** The history's name for a command ("Drew a field"). */
export function annotate(cmd: EditCommand): string {
  if (cmd.type === 'batch') return cmd.annotation ?? (cmd.commands[0] ? spec(cmd.commands[0].type).annotate(cmd.commands[0]) : 'Edited');
  return spec(cmd.type).annotate(cmd);
}

/** The suggestion a command accepts or rejects (the edit log's suggestion_id), if any. */
export function suggestionOf(cmd: EditCommand): string | null {
  if (cmd.type === 'batch') return cmd.commands.map(suggestionOf).find((s) => s !== null) ?? null;
  if (cmd.type === 'field.add') return cmd.suggestionId ?? null;
  if (cmd.type === 'suggestion.reject') return cmd.suggestionId;
  return null;
}
