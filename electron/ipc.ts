/**
 * The IPC side of the preload bridge. One invoke channel (IPC_CALL) runs the shared `dispatch`
 * (schema validation, roles) for the local desktop caller; one send channel (IPC_SUBSCRIBE) starts
 * forwarding service events to the subscribing webContents. Every message is first checked to come
 * from our main window showing app://fieldmark; anything else gets FORBIDDEN and never reaches the api.
 */
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_CALL, IPC_EVENT, IPC_SUBSCRIBE } from '../src/common/api/bridge';
import { dispatch, type Envelope } from '../src/common/api/dispatch';
import type { ServiceHost } from '../src/node/service/host';
import { isAppUrl } from './origin';

/** The parts of an IPC event the sender check reads. */
export interface SenderInfo {
  sender: unknown;
  senderFrame: { url: string } | null;
}

export type SenderCheck = (event: SenderInfo) => boolean;

export type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler' | 'on' | 'removeListener'>;

/** The webContents methods event forwarding uses. */
type EventTarget = Pick<WebContents, 'id' | 'send' | 'isDestroyed' | 'once'>;

export const FORBIDDEN_ENVELOPE: Envelope = Object.freeze({
  ok: false,
  error: Object.freeze({ code: 'FORBIDDEN', message: 'ipc: the sender is not the Fieldmark window' }),
}) as Envelope;

/**
 * The standard check: the message comes from `getMain()`'s webContents and its frame shows a page
 * of app://fieldmark (not a foreign page that somehow got loaded, not another window).
 */
export function makeTrustedSenderCheck(getMain: () => WebContents | null | undefined): SenderCheck {
  return (event) => {
    const main = getMain();
    if (!main || event.sender !== main) return false;
    const frame = event.senderFrame;
    return !!frame && isAppUrl(frame.url);
  };
}

export interface IpcOptions {
  /** Refused senders and unexpected failures (default: console.warn / console.error). */
  log?: { warn(msg: string): void; error(msg: string, e?: unknown): void };
}

function safeCheck(check: SenderCheck, event: SenderInfo): boolean {
  try {
    return check(event) === true;
  } catch {
    return false;
  }
}

function describeSender(event: SenderInfo): string {
  const url = event.senderFrame?.url ?? '(no frame)';
  return url.slice(0, 120);
}

/** Registers the handlers; returns a function that removes them and stops all forwarding. */
export function registerIpc(
  ipcMain: IpcMainLike,
  service: ServiceHost,
  isTrustedSender: SenderCheck,
  options: IpcOptions = {},
): () => void {
  const log = options.log ?? { warn: (m: string) => console.warn(m), error: (m: string, e?: unknown) => console.error(m, e) };
  const caller = service.localCaller;
  const api = service.as(caller);
  const forwarding = new Map<number, () => void>();

  const onCall = async (event: IpcMainInvokeEvent, method: unknown, args: unknown): Promise<Envelope> => {
    if (!safeCheck(isTrustedSender, event)) {
      log.warn(`fieldmark: refused an IPC call from ${describeSender(event)}`);
      return FORBIDDEN_ENVELOPE;
    }
    return dispatch(api, caller, method as string, args, {
      onInternalError: (m, e) => log.error(`fieldmark: ${m} failed`, e),
    });
  };

  const onSubscribe = (event: IpcMainEvent): void => {
    if (!safeCheck(isTrustedSender, event)) {
      log.warn(`fieldmark: refused an event subscription from ${describeSender(event)}`);
      return;
    }
    const target = event.sender as EventTarget;
    if (forwarding.has(target.id) || target.isDestroyed()) return; // one forwarder per webContents
    let unsubscribe = (): void => undefined;
    const stop = (): void => {
      unsubscribe();
      forwarding.delete(target.id);
    };
    unsubscribe = service.events.subscribe((ev) => {
      if (target.isDestroyed()) return stop();
      try {
        target.send(IPC_EVENT, ev);
      } catch {
        stop();
      }
    });
    forwarding.set(target.id, stop);
    target.once('destroyed', stop);
  };

  ipcMain.handle(IPC_CALL, onCall);
  ipcMain.on(IPC_SUBSCRIBE, onSubscribe);
  return () => {
    ipcMain.removeHandler(IPC_CALL);
    ipcMain.removeListener(IPC_SUBSCRIBE, onSubscribe);
    for (const stop of [...forwarding.values()]) stop();
  };
}
