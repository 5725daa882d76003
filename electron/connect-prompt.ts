/**
 * "Connect to a campaign server…": Electron has no prompt dialog, so a small modal window shows a
 * fixed page (a data: URL built here: one URL field, Connect, Cancel; a CSP allowing only its own
 * inline script by hash) with its own sandboxed preload (connect-preload.ts). The typed URL comes
 * back on the one channel IPC_CONNECT_SERVER: the sender must be that prompt window showing that
 * page, the arguments exactly one string (zod), the string a valid server URL (server-url.ts), or
 * the page is answered with the one-line reason to show. A valid one is handed to `onConnect`
 * (app.ts relaunches the app on it). Works in both modes: it needs neither app:// nor the service.
 */
import { BrowserWindow, type IpcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { IPC_CONNECT_SERVER } from '../src/common/api/bridge';
import type { ConnectAnswer } from './connect-preload';
import { MAX_SERVER_URL_LENGTH, parseServerUrl } from './server-url';
import { SECURE_WEB_PREFERENCES } from './window';

/** The invoke arguments: exactly one string. */
export const CONNECT_ARGS = z.tuple([z.string().max(MAX_SERVER_URL_LENGTH)]);

const SCRIPT = `const form = document.getElementById('f'), input = document.getElementById('u'), out = document.getElementById('e'), go = document.getElementById('go');
form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  go.disabled = true;
  out.textContent = '';
  const r = await window.fieldmarkConnect.submit(input.value.trim());
  go.disabled = false;
  if (!r.ok) { out.textContent = r.message; input.focus(); }
});
document.getElementById('c').addEventListener('click', () => window.close());
document.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') window.close(); });
input.focus();
input.select();`;

const STYLE = `body{font:14px system-ui,sans-serif;margin:0;padding:16px 18px;background:#1e1f22;color:#e6e6e6}
label{display:block;margin-bottom:6px}input{box-sizing:border-box;width:100%;padding:6px 8px;font:inherit;background:#2b2d31;color:inherit;border:1px solid #555;border-radius:4px}
.row{display:flex;gap:8px;justify-content:flex-end;margin-top:12px}button{font:inherit;padding:5px 14px}#e{color:#ff8a80;min-height:1.3em;margin-top:8px}p{color:#aaa;margin:4px 0 0;font-size:12px}`;

export const CONNECT_PAGE_CSP = `default-src 'none'; script-src 'sha256-${createHash('sha256').update(SCRIPT).digest('base64')}'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The prompt's page; `initial` prefills the field (the server in use, if any). */
export function connectPageHtml(initial = ''): string {
  return `<!doctype html><html><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONNECT_PAGE_CSP}">
<title>Connect to a campaign server</title><style>${STYLE}</style></head><body>
<form id="f" novalidate><label for="u">Campaign server address</label>
<input id="u" type="url" spellcheck="false" autocomplete="off" maxlength="${MAX_SERVER_URL_LENGTH}" placeholder="http://192.168.1.20:8080/" value="${escapeHtml(initial)}">
<p>As given by the campaign's admin; a sign-in link works too.</p>
<div id="e" role="alert"></div>
<div class="row"><button type="button" id="c">Cancel</button><button type="submit" id="go">Connect</button></div></form>
<script>${SCRIPT}</script></body></html>`;
}

export const CONNECT_PAGE_PREFIX = 'data:text/html;charset=utf-8;base64,';

export function connectPageUrl(initial = ''): string {
  return CONNECT_PAGE_PREFIX + Buffer.from(connectPageHtml(initial), 'utf8').toString('base64');
}

export const PROMPT_WINDOW_OPTIONS = {
  width: 480,
  height: 210,
  resizable: false,
  minimizable: false,
  maximizable: false,
  fullscreenable: false,
  modal: true,
  show: false,
  title: 'Connect to a campaign server',
  backgroundColor: '#1e1f22',
} as const;

export interface ConnectPromptOptions {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  /** Absolute path of dist/electron/connect-preload.cjs. */
  preloadPath: string;
  /** The window the prompt is modal to (null: none). */
  getParent(): BrowserWindow | null;
  /** A valid server URL was entered. */
  onConnect(url: string): void;
  log?: (line: string) => void;
}

export interface ConnectPrompt {
  /** Opens the prompt (or focuses the one already open). */
  open(initial?: string): BrowserWindow;
  /** The open prompt, if any. */
  current(): BrowserWindow | null;
  dispose(): void;
}

export function createConnectPrompt(opts: ConnectPromptOptions): ConnectPrompt {
  const log = opts.log ?? ((line: string) => console.warn(line));
  let prompt: BrowserWindow | null = null;
  const live = (): BrowserWindow | null => (prompt && !prompt.isDestroyed() ? prompt : null);

  const isPrompt = (event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>): boolean => {
    const w = live();
    if (!w || event.sender !== (w.webContents as WebContents)) return false;
    const url = event.senderFrame?.url;
    return typeof url === 'string' && url.startsWith(CONNECT_PAGE_PREFIX);
  };

  const onSubmit = (event: IpcMainInvokeEvent, ...args: unknown[]): ConnectAnswer => {
    if (!isPrompt(event)) {
      log(`fieldmark: refused a connect request from ${String(event.senderFrame?.url ?? '(no frame)').slice(0, 60)}`);
      return { ok: false, message: 'Refused: not the connect prompt.' };
    }
    const parsed = CONNECT_ARGS.safeParse(args);
    if (!parsed.success) return { ok: false, message: 'Type the server address (one line, at most 2048 characters).' };
    const s = parseServerUrl(parsed.data[0]);
    if (!s.ok) return { ok: false, message: s.message.replace(/^--server: /, '') };
    live()?.close();
    opts.onConnect(s.url);
    return { ok: true };
  };
  opts.ipcMain.handle(IPC_CONNECT_SERVER, onSubmit);

  return {
    open(initial = '') {
      const existing = live();
      if (existing) {
        existing.focus();
        return existing;
      }
      const parent = opts.getParent();
      const w = new BrowserWindow({
        ...PROMPT_WINDOW_OPTIONS,
        ...(parent && !parent.isDestroyed() ? { parent } : { modal: false }),
        webPreferences: { ...SECURE_WEB_PREFERENCES, preload: opts.preloadPath },
      });
      prompt = w;
      w.removeMenu();
      w.once('ready-to-show', () => w.show());
      w.on('closed', () => {
        if (prompt === w) prompt = null;
      });
      w.loadURL(connectPageUrl(initial)).catch((e: unknown) => log(`fieldmark: the connect prompt could not load: ${e instanceof Error ? e.message : String(e)}`));
      return w;
    },
    current: live,
    dispose() {
      opts.ipcMain.removeHandler(IPC_CONNECT_SERVER);
      live()?.close();
    },
  };
}
