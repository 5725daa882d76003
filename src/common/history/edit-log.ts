/**
 * The edit log's entries as the editor writes them (one JSON document per row of `edit_log`):
 * a base snapshot, an edit command, or an undo / redo. Replaying the entries after the last base
 * rebuilds exactly the history the labeller had, also after a restart.
 */
import { COMMAND_TYPES, type EditCommand } from '../commands/types';
import type { Field } from '../graph/field';
import { Graph } from '../graph/graph';
import { History } from './history';

export interface BaseEntry {
  type: 'history.base';
  fields: Field[];
}
export interface UndoEntry {
  type: 'history.undo';
}
export interface RedoEntry {
  type: 'history.redo';
}
export type LogEntry = BaseEntry | UndoEntry | RedoEntry | EditCommand;

export function isEditCommand(e: { type?: unknown }): e is EditCommand {
  return typeof e.type === 'string' && (COMMAND_TYPES as readonly string[]).includes(e.type);
}

export function isLogEntry(e: unknown): e is LogEntry {
  if (!e || typeof e !== 'object') return false;
  const t = (e as { type?: unknown }).type;
  return t === 'history.base' || t === 'history.undo' || t === 'history.redo' || isEditCommand(e as { type?: unknown });
}

/** The entries from the last base on (the base included), or null without a base. */
export function sinceLastBase(entries: readonly unknown[]): LogEntry[] | null {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i] as { type?: unknown };
    if (e && e.type === 'history.base') return entries.slice(i) as LogEntry[];
  }
  return null;
}

/**
 * Replays entries that start with a base. Returns null when an entry is not the editor's (another
 * writer changed the labels) or no longer applies: the caller then starts a new base.
 */
export function replay(entries: readonly unknown[]): History | null {
  const first = entries[0] as BaseEntry | undefined;
  if (!first || first.type !== 'history.base') return null;
  let h = History.start(Graph.from(first.fields));
  try {
    for (const e of entries.slice(1)) {
      if (!isLogEntry(e) || e.type === 'history.base') return null;
      if (e.type === 'history.undo') h = h.undo();
      else if (e.type === 'history.redo') h = h.redo();
      else h = h.apply(e);
    }
  } catch {
    return null;
  }
  return h;
}
