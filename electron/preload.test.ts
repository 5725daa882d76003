import * as electron from 'electron';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_CALL, IPC_EVENT, IPC_SUBSCRIBE, type FieldmarkBridge } from '../src/common/api/bridge';
import type { FieldmarkEvent } from '../src/common/api/events';
import type { FakeElectron } from './testing/fake-electron';

vi.mock('electron', async () => (await import('./testing/fake-electron')).createFakeElectron());
const fake = electron as unknown as FakeElectron;
let bridge: FieldmarkBridge;

beforeAll(async () => {
  await import('./preload');
  expect(fake.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
  bridge = fake.contextBridge.exposeInMainWorld.mock.calls[0]![1] as FieldmarkBridge;
});

/** Every value reachable from `v` (own properties, a few levels deep). */
function reachable(v: unknown, depth = 3, seen = new Set<unknown>()): unknown[] {
  if (v === null || (typeof v !== 'object' && typeof v !== 'function') || seen.has(v) || depth < 0) return [];
  seen.add(v);
  const out: unknown[] = [v];
  for (const k of Reflect.ownKeys(v as object)) {
    const d = Object.getOwnPropertyDescriptor(v, k);
    if (d && 'value' in d) out.push(...reachable(d.value, depth - 1, seen));
  }
  return out;
}

describe('preload', () => {
  it('exposes exactly one key, `fieldmark`, with the bridge and nothing else', () => {
    const [key] = fake.contextBridge.exposeInMainWorld.mock.calls[0]!;
    expect(key).toBe('fieldmark');
    expect(Object.keys(bridge).sort()).toEqual(['call', 'host', 'onEvent', 'tileBase']);
    expect(typeof bridge.call).toBe('function');
    expect(typeof bridge.onEvent).toBe('function');
    expect(bridge.tileBase).toBe('app://fieldmark');
    expect(bridge.host).toBe('electron');
    expect(Object.isFrozen(bridge)).toBe(true);
  });

  it('never hands out ipcRenderer or its methods', () => {
    const ipc = fake.ipcRenderer;
    const forbidden = new Set<unknown>([ipc, ipc.invoke, ipc.send, ipc.on, ipc.once]);
    for (const v of reachable(bridge)) expect(forbidden.has(v)).toBe(false);
    const unsubscribe = bridge.onEvent(() => undefined);
    expect(forbidden.has(unsubscribe)).toBe(false);
    unsubscribe();
  });

  it('calls through one invoke channel and returns the envelope', async () => {
    fake.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: [1] });
    expect(await bridge.call('listSites', [{ cls: 2 }])).toEqual({ ok: true, value: [1] });
    expect(fake.ipcRenderer.invoke).toHaveBeenLastCalledWith(IPC_CALL, 'listSites', [{ cls: 2 }]);
  });

  it('turns a failed send into an error envelope instead of a rejection', async () => {
    fake.ipcRenderer.invoke.mockRejectedValueOnce(new Error('An object could not be cloned.'));
    const env = await bridge.call('getSite', [() => 1]);
    expect(env).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
    expect(await bridge.call('getSite', 'x' as unknown as unknown[])).toMatchObject({ ok: false, error: { code: 'BAD_ARGUMENTS' } });
  });

  it('delivers event payloads only, never the IpcRendererEvent, and subscribes once', () => {
    const got: unknown[][] = [];
    const a = bridge.onEvent((...args: unknown[]) => void got.push(args));
    const b = bridge.onEvent(() => {
      throw new Error('a broken listener');
    });
    expect(fake.ipcRenderer.send.mock.calls.filter((c) => c[0] === IPC_SUBSCRIBE)).toHaveLength(1);
    expect(fake.ipcRenderer.count(IPC_EVENT)).toBe(1);
    const payload: FieldmarkEvent = { type: 'progress', job: 'j1', done: 1, total: 2 };
    const rawEvent = { sender: fake.ipcRenderer, senderId: 0, ports: [] };
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    fake.ipcRenderer.emit(IPC_EVENT, rawEvent, payload);
    spy.mockRestore();
    expect(got).toEqual([[payload]]);
    expect(got[0]![0]).not.toBe(rawEvent);
    a();
    b();
    fake.ipcRenderer.emit(IPC_EVENT, rawEvent, payload);
    expect(got).toHaveLength(1);
    expect(() => bridge.onEvent('nope' as never)).toThrow(TypeError);
  });
});
