import type { Graph } from '../graph/graph';
import type { SimpleCommand } from './types';

/** One command type: how it changes a graph and how the history names it. */
export interface CommandSpec<C extends SimpleCommand> {
  type: C['type'];
  apply(graph: Graph, cmd: C): Graph;
  annotate(cmd: C): string;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return n === 1 ? `1 ${one}` : `${n} ${many}`;
}
