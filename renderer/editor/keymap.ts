/**
 * Every editor shortcut in one table: the key handler dispatches from it and the help overlay
 * (`?`) lists it, so the two cannot disagree.
 */
export type EditorAction =
  | 'select' | 'draw' | 'rectangle' | 'move' | 'hole' | 'split' | 'reshape' | 'suggest' | 'propose'
  | 'merge' | 'delete' | 'undo' | 'redo' | 'snap' | 'comment' | 'nextIssue' | 'submit' | 'nextTask' | 'help';

export interface Shortcut {
  group: 'Task' | 'Tools' | 'Suggest' | 'Edit' | 'Drawing' | 'Mouse' | 'View';
  keys: string;
  label: string;
  action?: EditorAction;
  /** matches a keydown (actions only) */
  match?: (e: KeyboardEvent) => boolean;
}

const plain = (k: string) => (e: KeyboardEvent) => !e.ctrlKey && !e.metaKey && !e.altKey && e.key.toLowerCase() === k;
const ctrl = (k: string, shift = false) => (e: KeyboardEvent) => (e.ctrlKey || e.metaKey) && e.shiftKey === shift && e.key.toLowerCase() === k;

export const SHORTCUTS: Shortcut[] = [
  { group: 'Task', keys: 'N', label: 'Open the next task', action: 'nextTask', match: plain('n') },
  { group: 'Task', keys: 'Ctrl+Enter', label: 'Submit the task (errors must be fixed first)', action: 'submit', match: (e) => (e.ctrlKey || e.metaKey) && e.key === 'Enter' },
  { group: 'Task', keys: 'I', label: 'Zoom to the next issue', action: 'nextIssue', match: plain('i') },
  { group: 'Tools', keys: 'V', label: 'Select; drag vertices', action: 'select', match: plain('v') },
  { group: 'Tools', keys: 'A', label: 'Draw a field', action: 'draw', match: plain('a') },
  { group: 'Tools', keys: 'R', label: 'Draw a rectangle', action: 'rectangle', match: plain('r') },
  { group: 'Tools', keys: 'G', label: 'Move fields', action: 'move', match: plain('g') },
  { group: 'Tools', keys: 'H', label: 'Add a hole', action: 'hole', match: plain('h') },
  { group: 'Tools', keys: 'X', label: 'Split a field with a line', action: 'split', match: plain('x') },
  { group: 'Tools', keys: 'E', label: 'Reshape a stretch of boundary', action: 'reshape', match: plain('e') },
  { group: 'Tools', keys: 'S', label: 'Suggest: click inside a field for its outline (dashed preview)', action: 'suggest', match: (e) => plain('s')(e) && !e.shiftKey },
  { group: 'Suggest', keys: 'Enter / A', label: 'Accept the suggestion (joined to the neighbours, never overlapping)' },
  { group: 'Suggest', keys: 'Delete / X', label: 'Reject the suggestion (undo brings it back)' },
  { group: 'Suggest', keys: 'Alt+click', label: 'Exclude a spot (negative point) and ask again' },
  { group: 'Suggest', keys: 'Esc', label: 'Drop the preview; again: back to Select' },
  { group: 'Suggest', keys: 'P', label: 'Propose every field in the view, best first (again: ask anew for the view)', action: 'propose', match: (e) => plain('p')(e) && !e.shiftKey },
  { group: 'Suggest', keys: 'Tab / J, Shift+Tab / K', label: 'Proposals: next / previous' },
  { group: 'Suggest', keys: 'Enter / A, X', label: 'Proposals: accept / reject the current one (undo brings it back)' },
  { group: 'Suggest', keys: 'Esc', label: 'Proposals: stop walking, back to Select' },
  { group: 'Edit', keys: 'M', label: 'Merge the selected fields', action: 'merge', match: plain('m') },
  { group: 'Edit', keys: 'Delete', label: 'Delete the selected fields (also Backspace when not drawing)', action: 'delete', match: (e) => e.key === 'Delete' || (e.key === 'Backspace' && !e.ctrlKey) },
  { group: 'Edit', keys: 'Ctrl+Z', label: 'Undo', action: 'undo', match: ctrl('z') },
  { group: 'Edit', keys: 'Ctrl+Shift+Z / Ctrl+Y', label: 'Redo', action: 'redo', match: (e) => ctrl('z', true)(e) || ctrl('y')(e) },
  { group: 'Edit', keys: '1 - 9', label: 'Category of new and selected fields' },
  { group: 'Edit', keys: 'C', label: 'Comment on the selected field', action: 'comment', match: plain('c') },
  { group: 'Edit', keys: 'Shift+S', label: 'Snapping to neighbours on / off', action: 'snap', match: (e) => plain('s')(e) && e.shiftKey },
  { group: 'Drawing', keys: 'Click', label: 'Add a vertex (snaps; two clicks on a neighbour trace its boundary)' },
  { group: 'Drawing', keys: 'Enter / double-click', label: 'Finish (or click the first vertex)' },
  { group: 'Drawing', keys: 'Backspace', label: 'Remove the last vertex' },
  { group: 'Drawing', keys: 'Esc', label: 'Cancel the drawing; again: back to Select' },
  { group: 'Mouse', keys: 'Drag a vertex', label: 'Move it (a shared corner moves in every field)' },
  { group: 'Mouse', keys: 'Drag a midpoint', label: 'Insert a vertex there' },
  { group: 'Mouse', keys: 'Alt+click a vertex', label: 'Delete the vertex' },
  { group: 'Mouse', keys: 'Shift+click / Shift+drag', label: 'Add to the selection / select with a box' },
  { group: 'View', keys: 'F', label: 'True / false colour' },
  { group: 'View', keys: 'L', label: 'Show / hide other labels' },
  { group: 'View', keys: 'Z', label: 'Fit the context window' },
  { group: 'View', keys: '[ / ]', label: 'Previous / next scene date' },
  { group: 'View', keys: 'B', label: 'Flicker: swap to the comparison date' },
  { group: 'View', keys: 'Space (hold)', label: 'Show the comparison date while held' },
  { group: 'View', keys: 'W', label: 'Swipe: date A left, date B right of a divider (drag it)' },
  { group: 'View', keys: 'U', label: 'UDM2 cloud mask on / off (scenes with a mask)' },
  { group: 'View', keys: '?', label: 'This help', action: 'help', match: (e) => e.key === '?' },
];

export function actionFor(e: KeyboardEvent): EditorAction | null {
  for (const s of SHORTCUTS) if (s.action && s.match?.(e)) return s.action;
  return null;
}
