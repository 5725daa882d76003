import type { WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { IPC_CALL, IPC_EVENT, IPC_SUBSCRIBE } from '../src/common/api/bridge';
import type { FieldmarkEvent } from '../src/common/api/events';
import { makeTrustedSenderCheck, registerIpc, type IpcMainLike } from './ipc';
import { FakeEmitter, FakeWebContents } from './testing/fake-electron';
import { fakeService } from './testing/fake-service';

class FakeIpcMain extends FakeEmitter {
  readonly handlers = new Map<string, (...args: any[]) => unknown>();
  handle(channel: string, l: (...args: any[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, l);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
  invoke(event: unknown, ...args: unknown[]): Promise<unknown> {
    return Promise.resolve(this.handlers.get(IPC_CALL)!(event, ...args));
  }
}

function setup() {
  const ipc = new FakeIpcMain();
  const { service, api } = fakeService();
  const main = new FakeWebContents();
  const log = { warn: vi.fn(), error: vi.fn() };
  const dispose = registerIpc(
    ipc as unknown as IpcMainLike,
    service,
    makeTrustedSenderCheck(() => main as unknown as WebContents),
    { log },
  );
  const from = (sender: FakeWebContents, url: string | null = 'app://fieldmark/index.html') => ({
    sender,
    senderFrame: url === null ? null : { url },
  });
  return { ipc, service, api, main, log, dispose, from };
}

describe('IPC calls', () => {
  it('runs a valid call through dispatch with the local caller and returns the envelope', async () => {
    const { ipc, service, api, main, from } = setup();
    expect(service.as).toHaveBeenCalledWith(service.localCaller);
    const env = await ipc.invoke(from(main), 'getAppInfo', []);
    expect(env).toEqual({ ok: true, value: { version: 'test', campaign: null, user: { id: 'local', name: 'Local', role: 'admin' } } });
    expect(await ipc.invoke(from(main), 'getSite', ['site-1'])).toEqual({ ok: true, value: { id: 'site-1' } });
    expect(api.getSite).toHaveBeenCalledWith('site-1');
  });

  it('refuses bad arguments with BAD_ARGUMENTS before the api runs', async () => {
    const { ipc, api, main, from } = setup();
    for (const args of [[42], ['../../etc/passwd'], ['a', 'b'], 'site-1', [{ toString: 1 }]]) {
      const env = (await ipc.invoke(from(main), 'getSite', args)) as any;
      expect(env.ok, JSON.stringify(args)).toBe(false);
      expect(env.error.code).toBe('BAD_ARGUMENTS');
    }
    const env = (await ipc.invoke(from(main), 'listSites', [{ cls: 3 }])) as any;
    expect(env.error.code).toBe('BAD_ARGUMENTS');
    expect((await ipc.invoke(from(main), 'constructor', [])) as any).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect((await ipc.invoke(from(main), 42, [])) as any).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    expect(api.getSite).not.toHaveBeenCalled();
    expect(api.listSites).not.toHaveBeenCalled();
  });

  it('refuses foreign senders with FORBIDDEN and never reaches the api', async () => {
    const { ipc, api, main, log, from } = setup();
    const other = new FakeWebContents();
    const senders = [
      from(main, 'https://evil.example/'),
      from(main, 'file:///tmp/x.html'),
      from(main, 'app://other/index.html'),
      from(main, 'devtools://devtools/bundled/inspector.html'),
      from(main, null),
      from(other),
      { sender: null, senderFrame: { url: 'app://fieldmark/' } },
    ];
    for (const ev of senders) {
      const env = await ipc.invoke(ev, 'getAppInfo', []);
      expect(env).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    expect(api.getAppInfo).not.toHaveBeenCalled();
    expect(log.warn).toHaveBeenCalledTimes(senders.length);
  });

  it('treats a throwing sender check as foreign', async () => {
    const ipc = new FakeIpcMain();
    const { service, api } = fakeService();
    registerIpc(ipc as unknown as IpcMainLike, service, () => {
      throw new Error('boom');
    }, { log: { warn() {}, error() {} } });
    expect(await ipc.invoke({ sender: {}, senderFrame: { url: 'app://fieldmark/' } }, 'getAppInfo', [])).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(api.getAppInfo).not.toHaveBeenCalled();
  });

  it('reports an internal failure without its stack', async () => {
    const { ipc, api, main, log, from } = setup();
    api.listSites.mockRejectedValueOnce(new Error('db locked\n    at secret.js:1'));
    const env = (await ipc.invoke(from(main), 'listSites', [])) as any;
    expect(env).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'listSites: internal error: db locked' } });
    expect(log.error).toHaveBeenCalledTimes(1);
  });
});

describe('IPC events', () => {
  const event: FieldmarkEvent = { type: 'changed', entity: 'labels', ids: [1] };

  it('forwards service events to the subscribed window until it is destroyed', () => {
    const { ipc, service, main, from } = setup();
    ipc.emit(IPC_SUBSCRIBE, from(main));
    ipc.emit(IPC_SUBSCRIBE, from(main)); // a reload subscribes again: still one forwarder
    expect(service.events.size).toBe(1);
    service.events.emit(event);
    expect(main.sent).toEqual([[IPC_EVENT, event]]);
    main.destroy();
    expect(service.events.size).toBe(0);
    service.events.emit(event);
    expect(main.sent).toHaveLength(1);
  });

  it('ignores subscriptions from foreign senders', () => {
    const { ipc, service, main, from } = setup();
    const other = new FakeWebContents();
    ipc.emit(IPC_SUBSCRIBE, from(other));
    ipc.emit(IPC_SUBSCRIBE, from(main, 'https://evil.example/'));
    service.events.emit(event);
    expect(service.events.size).toBe(0);
    expect(other.sent).toEqual([]);
    expect(main.sent).toEqual([]);
  });

  it('dispose removes the handlers and stops forwarding', () => {
    const { ipc, service, main, from, dispose } = setup();
    ipc.emit(IPC_SUBSCRIBE, from(main));
    dispose();
    expect(ipc.handlers.size).toBe(0);
    expect(ipc.count(IPC_SUBSCRIBE)).toBe(0);
    expect(service.events.size).toBe(0);
  });
});
