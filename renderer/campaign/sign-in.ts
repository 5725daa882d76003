/**
 * Signing in and out in a browser (network mode: `fieldmark serve --host H`).
 * - `SessionUi.gate`: when the first call (`getAppInfo` in `App.start`) is answered
 *   UNAUTHENTICATED (no token, or an expired one), the app is replaced by a full-page sign-in form
 *   (name, password; a wrong password or the rate limit shown inline as one line). A session
 *   token from `signIn` is kept in sessionStorage (api/token.ts) and the page reloads, so every
 *   transport (API, event stream, tiles, transfers) starts with it; it never goes in the URL.
 * - The app bar's "Sign out" (shown when the page holds a token): `signOut`, forget the token,
 *   reload → the sign-in page.
 * - A token that stops working mid-session (expired, signed out elsewhere): any call answered
 *   UNAUTHENTICATED shows a bar "Your session has ended" with "Sign in again".
 * Test hooks on body: `data-signin="shown"`, `data-session="expired"`.
 */
import type { FieldmarkApi } from '../../src/common/api/contract';
import { isApiError } from '../../src/common/api/errors';
import type { Connection } from '../api/connect';
import { clearToken, storeToken } from '../api/token';
import { h } from '../ui/dom';
import { message } from './form-ui';

function reload(): void {
  // Only the path: a `?token=` must not come back, and the hash (site or task) is kept.
  window.location.replace(window.location.pathname + window.location.hash);
}

/** The full-page sign-in form; resolves never (the page reloads once signed in). */
export function showSignIn(api: FieldmarkApi, why: string | null): HTMLElement {
  const name = h('input', { class: 'cs-input', id: 'signin-name', name: 'username', autocomplete: 'username', required: true, maxlength: 100, autofocus: true });
  const password = h('input', { class: 'cs-input', id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true, maxlength: 256 });
  const button = h('button', { type: 'submit', class: 'tb-btn signin-submit', id: 'signin-submit' }, 'Sign in');
  const error = h('div', { class: 'cs-status signin-error', id: 'signin-error', 'aria-live': 'assertive', 'data-state': why ? 'error' : 'idle' }, why ?? '');
  const form = h(
    'form',
    { class: 'signin-card', id: 'signin-form', 'aria-label': 'Sign in', novalidate: true },
    h('div', { class: 'brand signin-brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'Fieldmark'),
    h('p', { class: 'signin-lead' }, 'Sign in to this campaign server.'),
    h('label', { class: 'cs-field' }, h('span', { class: 'cs-label' }, 'Name'), name),
    h('label', { class: 'cs-field' }, h('span', { class: 'cs-label' }, 'Password'), password),
    button,
    error,
    h('p', { class: 'cs-hint' }, 'Given a sign-in link instead? Open it: it signs you in without a password.'),
  );
  const fail = (text: string): void => {
    error.textContent = text;
    error.dataset['state'] = 'error';
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const n = name.value.trim();
    if (!n || !password.value) return fail(!n ? 'Enter your name.' : 'Enter your password.');
    button.disabled = true;
    error.dataset['state'] = 'busy';
    api.signIn(n, password.value).then(
      (r) => {
        storeToken(r.token);
        reload();
      },
      (err: unknown) => {
        button.disabled = false;
        password.value = '';
        password.focus();
        fail(message(err));
      },
    );
  });
  const page = h('div', { class: 'signin-page', id: 'signin' }, form);
  document.body.append(page);
  document.body.dataset['signin'] = 'shown';
  name.focus();
  return page;
}

export class SessionUi {
  /** "Sign out" for the app bar (hidden unless this page holds a token). */
  readonly signOutButton: HTMLButtonElement;
  private started = false;
  private expired: HTMLElement | null = null;

  constructor(private readonly conn: Connection) {
    this.signOutButton = h('button', { type: 'button', class: 'tb-btn appbar-btn', id: 'sign-out', hidden: !conn.token, title: 'End your session on this server', onclick: () => void this.signOut() }, 'Sign out');
    conn.onUnauthenticated((method) => {
      if (this.started && method !== 'signIn') this.sessionEnded();
    });
  }

  /**
   * The start-up call failed: true (and the sign-in page shown instead of the app) when it was
   * UNAUTHENTICATED on the HTTP host; false for any other failure (the app shows a banner).
   */
  gate(error: unknown, appRoot: HTMLElement): boolean {
    if (!isApiError(error) || error.code !== 'UNAUTHENTICATED' || this.conn.bridge.host !== 'http') return false;
    const hadToken = this.conn.token !== null;
    clearToken();
    this.conn.monitor.close();
    appRoot.replaceChildren();
    appRoot.hidden = true;
    appRoot.classList.remove('app');
    showSignIn(this.conn.api, hadToken ? 'Your session has ended or the sign-in link is no longer valid: sign in again.' : null);
    return true;
  }

  /** The app is running (the start-up call succeeded). */
  markStarted(): void {
    this.started = true;
  }

  async signOut(): Promise<void> {
    this.signOutButton.disabled = true;
    try {
      await this.conn.api.signOut();
    } catch {
      // an expired session is signed out already; the token goes either way
    }
    clearToken();
    reload();
  }

  private sessionEnded(): void {
    if (this.expired) return;
    document.body.dataset['session'] = 'expired';
    this.conn.monitor.close(); // the event stream would retry with the dead token
    this.expired = h(
      'div',
      { class: 'session-ended', id: 'session-ended', role: 'alert' },
      h('span', {}, 'Your session has ended: the server no longer accepts your sign-in.'),
      h('button', { type: 'button', class: 'tb-btn', id: 'sign-in-again', onclick: () => (clearToken(), reload()) }, 'Sign in again'),
    );
    document.body.append(this.expired);
  }
}
