/** The two ways a test reaches the API: in-process through dispatch, and over real HTTP. */
import { createClient } from '../../src/common/api/client';
import type { Caller, FieldmarkApi } from '../../src/common/api/contract';
import { dispatch, type Envelope } from '../../src/common/api/dispatch';
import { ApiError } from '../../src/common/api/errors';
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

/** 'OK' when the call succeeds, else its ApiError code (anything else thrown, as text: the test then fails on it). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'OK';
  } catch (e) {
    return e instanceof ApiError ? e.code : `not an ApiError: ${String(e)}`;
  }
}

/** The campaign fixture's people: labellers a-d and a supervisor. */
export type Who = 'a' | 'b' | 'c' | 'd' | 'sup';

/**
 * Typed and raw API callers for the fixture's people over one transport ('in-process' or
 * 'http'); the fixture and the server are read when a caller is made (set in beforeAll).
 */
export function campaignCallers(transport: string, fx: () => { service: FieldmarkService; users: Record<Who, { id: string; token: string }> }, server: () => RunningServer) {
  const caller = (who: Who): Caller => ({ userId: fx().users[who].id, role: who === 'sup' ? 'supervisor' : 'labeller' });
  return {
    api: (who: Who): FieldmarkApi => (transport === 'http' ? httpClient(server().url, fx().users[who].token) : inProcessClient(fx().service, caller(who))),
    raw: (who: Who): RawCall => (transport === 'http' ? httpRaw(server().url, fx().users[who].token) : inProcessRaw(fx().service, caller(who))),
  };
}
