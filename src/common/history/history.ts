/**
 * The edit history (after iD's coreHistory): a list of `{graph, annotation, command}` and an
 * index. Applying a command drops the redo tail and pushes the new graph; undo and redo only move
 * the index, so no command needs inverse code. Immutable: every operation returns a new History.
 */
import { annotate, applyCommand } from '../commands/apply';
import { CommandError, type EditCommand } from '../commands/types';
import type { Graph, GraphDiff } from '../graph/graph';

export interface HistoryEntry {
  readonly graph: Graph;
  readonly annotation: string;
  /** null for the base entry */
  readonly command: EditCommand | null;
}

export class History {
  private constructor(
    readonly entries: readonly HistoryEntry[],
    readonly index: number,
  ) {}

  static start(graph: Graph, annotation = 'Opened the task'): History {
    return new History([{ graph, annotation, command: null }], 0);
  }

  get graph(): Graph {
    return this.entries[this.index]!.graph;
  }

  get canUndo(): boolean {
    return this.index > 0;
  }

  get canRedo(): boolean {
    return this.index < this.entries.length - 1;
  }

  /** What undo would take back, or null. */
  get undoAnnotation(): string | null {
    return this.canUndo ? this.entries[this.index]!.annotation : null;
  }

  /** What redo would bring back, or null. */
  get redoAnnotation(): string | null {
    return this.canRedo ? this.entries[this.index + 1]!.annotation : null;
  }

  /** Applies a command (throws CommandError when it does not apply). */
  apply(cmd: EditCommand): History {
    const graph = applyCommand(this.graph, cmd);
    const entries = this.entries.slice(0, this.index + 1);
    entries.push({ graph, annotation: annotate(cmd), command: cmd });
    return new History(entries, entries.length - 1);
  }

  undo(): History {
    if (!this.canUndo) throw new CommandError('nothing to undo');
    return new History(this.entries, this.index - 1);
  }

  redo(): History {
    if (!this.canRedo) throw new CommandError('nothing to redo');
    return new History(this.entries, this.index + 1);
  }

  /** What changed from `prev`'s graph to this one. */
  diffFrom(prev: History): GraphDiff {
    return this.graph.diff(prev.graph);
  }
}
