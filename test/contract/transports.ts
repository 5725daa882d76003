/** The two ways a test reaches the API: in-process through dispatch, and over real HTTP. */
import { createClient } from '../../src/common/api/client';
import type { Caller, FieldmarkApi } from '../../src/common/api/contract';
import { dispatch, type Envelope } from '../../src/common/api/dispatch';
import { startServer, type RunningServer } from '../../src/node/server/http-server';
import type { FieldmarkService } from '../../src/node/service/fieldmark-service';

export function inProcessClient(service: FieldmarkService, caller: Caller): FieldmarkApi {
  return createClient((method, args) => dispatch(service.as(caller), caller, method, JSON.parse(JSON.stringify(args)) as unknown[]));
}

/** Raw call: lets tests send arguments the typed client would not compile. */
export type RawCall = (method: string, args: unknown) => Promise<Envelope>;

export function inProcessRaw(service: FieldmarkService, caller: Caller): RawCall {
  return (method, args) => dispatch(service.as(caller), caller, method, args);
}

export function httpRaw(url: string, token?: string): RawCall {
  return async (method, args) => {
    const res = await fetch(new URL(`api/${method}`, url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ args }),
    });
    return (await res.json()) as Envelope;
  };
}

export function httpClient(url: string, token?: string): FieldmarkApi {
  const raw = httpRaw(url, token);
  return createClient((method, args) => raw(method, args));
}

export async function startTestServer(service: FieldmarkService, requireToken = false): Promise<RunningServer> {
  return startServer({ service, port: 0, requireToken, ...(requireToken ? { host: '127.0.0.1' } : {}) });
}
