/**
 * The access token of a browser session: taken from `?token=` in the page URL once, kept in
 * sessionStorage (so a reload keeps it and it leaves the address bar), sent as a Bearer header.
 */
const KEY = 'fieldmark.token';

function storage(): Storage | null {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled (privacy settings, sandboxed frame)
  }
}

/** Reads `?token=` from the URL (and removes it from the address bar), else the stored one. */
export function takeToken(): string | null {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  const store = storage();
  if (fromUrl) {
    store?.setItem(KEY, fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    return fromUrl;
  }
  return store?.getItem(KEY) ?? null;
}

/** Keeps a token (a password sign-in's session) for this browser tab; never put in the URL. */
export function storeToken(token: string): void {
  storage()?.setItem(KEY, token);
}

/** Forgets the tab's token (sign-out, or a token the server no longer accepts). */
export function clearToken(): void {
  storage()?.removeItem(KEY);
}
