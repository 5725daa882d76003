/**
 * Hooks for the end-to-end tests and the benchmark, only with `?test=1` / `?bench=1`:
 * `window.__fieldmarkEditor` reads the editor's committed graph (what the database must hold).
 */
import type { Map as MlMap } from 'maplibre-gl';
import type { Field } from '../../src/common/graph/field';
import { installBenchHook } from '../bench/bench-hook';
import type { Editor } from './editor';

declare global {
  interface Window {
    __fieldmarkEditor?: { fields(): Field[]; revision(): number; pending(): number; mode(): string };
  }
}

export function installTestHooks(editor: Editor, map: MlMap): void {
  const q = new URLSearchParams(window.location.search);
  if (q.get('test') === '1' || q.get('bench') === '1') {
    window.__fieldmarkEditor = {
      fields: () => (editor.session ? [...editor.session.graph.fields()] : []),
      revision: () => editor.session?.revision ?? 0,
      pending: () => editor.session?.pending ?? 0,
      mode: () => editor.mode.id,
    };
    window.__fieldmarkMap = map;
  }
  if (q.get('bench') === '1') installBenchHook(editor, map);
}
