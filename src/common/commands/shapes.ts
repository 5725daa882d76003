/**
 * The common tail of every geometry command: validate the new shapes, fit them to their
 * neighbours when asked (trim), add shared-border junction vertices to both sides, and return
 * the next graph. Extra pieces left by trimming become fields `<id>.2`, `<id>.3`, ...
 */
import { GeometryOpError } from '../editing/clip';
import { fitToNeighbours, settleJunctions } from '../editing/fit';
import { dedupePolygon, type EditPolygon, orientPolygon, polygonBBox } from '../editing/geom';
import { polygonProblem } from '../editing/polygon-check';
import type { Field } from '../graph/field';
import type { Graph } from '../graph/graph';
import { CommandError } from './types';

export function requireField(graph: Graph, id: string): Field {
  const f = graph.get(id);
  if (!f) throw new CommandError(`no field ${id} in this map (deleted, or never saved)`);
  return f;
}

export function requireNew(graph: Graph, id: string): void {
  if (graph.has(id)) throw new CommandError(`a field ${id} already exists`);
}

/** Normalises (dedupe, orientation) and validates a geometry; `what` names it in the message. */
export function checked(geometry: EditPolygon, what: string): EditPolygon {
  const g = orientPolygon(dedupePolygon(geometry));
  const why = polygonProblem(g);
  if (why) throw new CommandError(`${what}: ${why}`);
  return g;
}

/** Runs a geometry operation, turning its failure into a CommandError. */
export function op<T>(what: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof GeometryOpError) throw new CommandError(`${what}: ${e.message}`);
    throw e;
  }
}

const PAD = 1e-6;

/**
 * New shapes for `fields` (already validated), trimmed when `trim` is a number; the graph after.
 * `removed` ids leave the graph in the same step.
 */
export function commitShapes(graph: Graph, fields: readonly Field[], trim: number | undefined, what: string, removed: readonly string[] = []): Graph {
  const editing = new Set([...fields.map((f) => f.id), ...removed]);
  const put = new Map<string, Field>();
  const current = (id: string): Field | undefined => put.get(id) ?? (editing.has(id) && !fields.some((f) => f.id === id) ? undefined : graph.get(id));
  for (const f of fields) {
    const b = polygonBBox(f.geometry);
    const neighbours = graph
      .fieldsInBox(b, PAD + (trim ?? 0) / 50_000)
      .filter((n) => !editing.has(n.id))
      .map((n) => put.get(n.id) ?? n);
    let shapes: EditPolygon[];
    let changedNeighbours: Map<string, EditPolygon>;
    if (trim !== undefined) {
      const r = op(what, () => fitToNeighbours(f.geometry, neighbours, trim));
      if (r.pieces.length === 0) throw new CommandError(`${what}: nothing is left after trimming to the neighbouring fields (it lies inside them)`);
      shapes = r.pieces;
      changedNeighbours = r.neighbours;
    } else {
      const r = settleJunctions([f.geometry], neighbours);
      shapes = r.shapes;
      changedNeighbours = r.neighbours;
    }
    shapes.forEach((g, k) => {
      const id = k === 0 ? f.id : `${f.id}.${k + 1}`;
      if (k > 0 && (graph.has(id) || put.has(id))) throw new CommandError(`${what}: trimming leaves ${shapes.length} pieces and the id ${id} is taken`);
      put.set(id, { ...f, id, geometry: checked(g, what) });
    });
    for (const [id, g] of changedNeighbours) {
      const n = current(id);
      if (n) put.set(id, { ...n, geometry: checked(g, `${what} (neighbour ${id})`) });
    }
  }
  return graph.with([...put.values()], removed);
}
