/**
 * Runs the rules. `validateGraph` checks every field once (server: on submit); `Validator` keeps
 * the issues of a graph and, given the next graph and their diff, re-checks only the changed
 * fields and their neighbours (renderer: after every edit).
 */
import type { BBox } from '../geo/geojson';
import type { Field } from '../graph/field';
import { fieldBBox, type Graph, type GraphDiff } from '../graph/graph';
import { FieldIndex } from '../editing/field-index';
import { categoryRule } from './category.rule';
import { duplicateRule } from './duplicate.rule';
import { DEFAULT_CONTEXT, type Issue, type Rule, type ValidationContext } from './issue';
import { minAreaRule } from './min-area.rule';
import { outsideCellRule } from './outside-cell.rule';
import { overlapRule } from './overlap.rule';
import { selfIntersectionRule } from './self-intersection.rule';
import { spikeRule } from './spike.rule';

export const RULES: readonly Rule[] = [selfIntersectionRule, overlapRule, duplicateRule, minAreaRule, spikeRule, outsideCellRule, categoryRule];

const PAD = 1e-7;

interface Source {
  query(box: BBox): Field[];
}

function neighboursOf(field: Field, source: Source): Field[] {
  const b = fieldBBox(field);
  return source.query([b[0] - PAD, b[1] - PAD, b[2] + PAD, b[3] + PAD]).filter((n) => n.id !== field.id);
}

export function validateField(field: Field, source: Source, ctx: ValidationContext = DEFAULT_CONTEXT): Issue[] {
  const neighbours = neighboursOf(field, source);
  return RULES.flatMap((r) => r.check(field, neighbours, ctx));
}

const SEVERITY = { error: 0, warning: 1 };

export function sortIssues(issues: Issue[]): Issue[] {
  return issues.sort((a, b) => SEVERITY[a.severity] - SEVERITY[b.severity] || a.id.localeCompare(b.id));
}

/** Every issue of the graph, each once, errors first. */
export function validateGraph(graph: Graph, ctx: ValidationContext = DEFAULT_CONTEXT): Issue[] {
  const index = FieldIndex.of(graph);
  const byId = new Map<string, Issue>();
  for (const f of graph.fields()) for (const i of validateField(f, index, ctx)) byId.set(i.id, i);
  return sortIssues([...byId.values()]);
}

export class Validator {
  /** issues by field id (a pair issue is listed under both fields) */
  private readonly byField = new Map<string, Issue[]>();
  private version = 0;
  private cache: { version: number; list: Issue[] } | null = null;

  constructor(private ctx: ValidationContext = DEFAULT_CONTEXT) {}

  setContext(ctx: ValidationContext): void {
    this.ctx = ctx;
  }

  /** Checks every field (use `index` kept in step with `graph`). */
  reset(graph: Graph, index: Source): void {
    this.byField.clear();
    for (const f of graph.fields()) this.store(f.id, validateField(f, index, this.ctx));
    this.version++;
  }

  /** Checks one more batch of fields (for chunked first runs); returns how many were checked. */
  checkSome(fields: Iterable<Field>, index: Source): number {
    let n = 0;
    for (const f of fields) {
      this.store(f.id, validateField(f, index, this.ctx));
      n++;
    }
    this.version++;
    return n;
  }

  clear(): void {
    this.byField.clear();
    this.version++;
  }

  /**
   * After an edit: `prev`/`next` graphs, their diff and an index already updated to `next`.
   * Re-checks the changed fields and every field near them, before or after.
   */
  update(prev: Graph, next: Graph, diff: GraphDiff, index: Source): void {
    const touched = new Set<string>([...diff.added, ...diff.changed, ...diff.removed]);
    const around = new Set<string>(touched);
    for (const id of touched) {
      for (const g of [prev.get(id), next.get(id)]) if (g) for (const n of neighboursOf(g, index)) around.add(n.id);
      // Pair issues of a changed field name its old partners too.
      for (const i of this.byField.get(id) ?? []) for (const f of i.fieldIds) around.add(f);
    }
    for (const id of around) this.byField.delete(id);
    for (const id of around) {
      const f = next.get(id);
      if (f) this.store(id, validateField(f, index, this.ctx));
    }
    this.version++;
  }

  private store(id: string, issues: Issue[]): void {
    this.byField.set(id, issues);
    // A pair issue found from one side is filed under its other field as well.
    for (const i of issues) for (const other of i.fieldIds) if (other !== id) {
      const list = this.byField.get(other) ?? [];
      if (!list.some((x) => x.id === i.id)) list.push(i);
      this.byField.set(other, list);
    }
  }

  /** Every issue once, errors first. */
  issues(): Issue[] {
    if (this.cache?.version === this.version) return this.cache.list;
    const byId = new Map<string, Issue>();
    for (const list of this.byField.values()) for (const i of list) byId.set(i.id, i);
    const list = sortIssues([...byId.values()]);
    this.cache = { version: this.version, list };
    return list;
  }

  issuesOf(id: string): Issue[] {
    return this.byField.get(id) ?? [];
  }
}
