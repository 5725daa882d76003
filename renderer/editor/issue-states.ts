/** Feature-state `issue` ('error' | 'warning') of the fields named by validation issues, updated as a diff. */
import type { Issue } from '../../src/common/validation/issue';
import type { EditLayers } from '../map/edit-layers';

export function syncIssueStates(layers: EditLayers, issues: readonly Issue[], prev: ReadonlyMap<string, string>, all: boolean): Map<string, string> {
  const next = new Map<string, string>();
  for (const i of issues) for (const id of i.fieldIds) if (next.get(id) !== 'error') next.set(id, i.severity);
  for (const [id] of prev) if (!next.has(id)) layers.setState(id, { issue: 'none' });
  for (const [id, s] of next) if (all || prev.get(id) !== s) layers.setState(id, { issue: s });
  return next;
}
