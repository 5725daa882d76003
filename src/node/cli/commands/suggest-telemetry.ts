/**
 * `fieldmark suggest --telemetry --db FILE [--json]`: how the campaign's labellers decided on
 * suggestions (edit log, src/node/suggest/telemetry-db.ts): accepted as is, accepted and edited
 * later (mean vertex movement), accepted then deleted, rejected, median time to decision; per
 * labeller and per model. `--json` prints `{rows, byLabeller, byModel}` as the API's
 * `suggestionTelemetry` answers.
 */
import type { SuggestionTelemetry, SuggestionTelemetryRow } from '../../../common/suggest/telemetry';
import { openDatabase } from '../../store/database';
import { campaignSuggestionTelemetry } from '../../suggest/telemetry-db';
import type { CliResult } from '../command';

const COLUMNS: { head: string; cell: (r: SuggestionTelemetryRow) => string }[] = [
  { head: 'decisions', cell: (r) => String(r.decisions) },
  { head: 'as is', cell: (r) => String(r.acceptedAsIs) },
  { head: 'edited', cell: (r) => String(r.acceptedEdited) },
  { head: 'mean move m', cell: (r) => (r.meanShiftM === null ? '-' : r.meanShiftM.toFixed(1)) },
  { head: 'deleted', cell: (r) => String(r.acceptedThenDeleted) },
  { head: 'rejected', cell: (r) => String(r.rejected) },
  { head: 'median s', cell: (r) => (r.medianDecisionMs === null ? '-' : (r.medianDecisionMs / 1000).toFixed(1)) },
];

function table(title: string, key: string, rows: SuggestionTelemetryRow[], name: (r: SuggestionTelemetryRow) => string): string[] {
  const cells = rows.map((r) => [name(r), ...COLUMNS.map((c) => c.cell(r))]);
  const head = [key, ...COLUMNS.map((c) => c.head)];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  return [title, line(head), ...cells.map(line)];
}

export function telemetryText(t: SuggestionTelemetry): string {
  if (t.rows.length === 0) return 'no suggestion decisions in this campaign yet';
  const total = t.byModel.reduce((s, r) => s + r.decisions, 0);
  return [
    `${total} suggestion decision${total === 1 ? '' : 's'} (undone ones do not count)`,
    '',
    ...table('per labeller', 'labeller', t.byLabeller, (r) => r.labellerId),
    '',
    ...table('per model', 'model', t.byModel, (r) => r.model),
  ].join('\n');
}

export function suggestTelemetry(dbPath: string): CliResult {
  const db = openDatabase(dbPath, { create: false });
  try {
    const value = campaignSuggestionTelemetry(db);
    return { value, text: telemetryText(value) };
  } finally {
    db.close();
  }
}
