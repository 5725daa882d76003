/** A ServiceHost stand-in with a spy api, for protocol, ipc and app tests. */
import { vi, type Mock } from 'vitest';
import type { Caller, FieldmarkApi, MethodName } from '../../src/common/api/contract';
import { EventHub } from '../../src/common/api/events';
import { METHOD_NAMES } from '../../src/common/api/schemas';
import type { TileRequest } from '../../src/common/api/tiles';
import type { ServiceHost } from '../../src/node/service/host';

export type FakeApi = Record<MethodName, Mock<(...args: any[]) => Promise<unknown>>>;

/** Every API method as a spy resolving null; a few return recognisable values. */
export function fakeApi(): FakeApi {
  const api = Object.fromEntries(METHOD_NAMES.map((m) => [m, vi.fn(async (..._a: unknown[]): Promise<unknown> => null)])) as FakeApi;
  api.getAppInfo.mockImplementation(async () => ({ version: 'test', campaign: null, user: { id: 'local', name: 'Local', role: 'admin' } }));
  api.getSite.mockImplementation(async (id: string) => ({ id }));
  api.listSites.mockImplementation(async () => []);
  return api;
}

export function fakeService(renderTile?: (caller: Caller, req: TileRequest) => Promise<Buffer | null>) {
  const api = fakeApi();
  const service = {
    localCaller: { userId: 'local', role: 'admin' } as Caller,
    events: new EventHub(),
    as: vi.fn((_caller: Caller) => api as unknown as FieldmarkApi),
    callerForToken: vi.fn((_token: string): Caller | null => null),
    renderTile: vi.fn(renderTile ?? (async (_c: Caller, _r: TileRequest): Promise<Buffer | null> => null)),
    close: vi.fn(),
  } satisfies ServiceHost;
  return { service, api };
}
