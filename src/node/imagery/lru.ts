/**
 * A least-recently-used map bounded by bytes (not entries): the decoded-block cache and the
 * encoded-tile cache of the tile engine. Each entry says its size when it is put; putting past the
 * bound evicts the least recently used entries first. An entry larger than the whole bound is not
 * kept at all.
 */

export interface LruStats {
  hits: number;
  misses: number;
  /** Bytes held now (always <= maxBytes). */
  bytes: number;
  entries: number;
  evictions: number;
  maxBytes: number;
}

export class ByteLru<K, V> {
  private readonly map = new Map<K, { value: V; bytes: number }>();
  private held = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(private maxBytes: number) {
    if (!(maxBytes >= 0)) throw new Error(`ByteLru: maxBytes must be >= 0, got ${maxBytes}`);
  }

  /** The value (and marks it most recently used), or undefined; counts a hit or a miss. */
  get(key: K): V | undefined {
    const e = this.map.get(key);
    if (!e) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.map.delete(key);
    this.map.set(key, e);
    return e.value;
  }

  /** Like get, without counting or reordering. */
  peek(key: K): V | undefined {
    return this.map.get(key)?.value;
  }

  has(key: K): boolean {
    return this.map.has(key);
  }

  /** Puts (or replaces) an entry of `bytes` bytes; returns false when it is larger than the bound. */
  set(key: K, value: V, bytes: number): boolean {
    this.delete(key);
    if (bytes > this.maxBytes) return false;
    this.map.set(key, { value, bytes });
    this.held += bytes;
    this.trim();
    return true;
  }

  delete(key: K): boolean {
    const e = this.map.get(key);
    if (!e) return false;
    this.map.delete(key);
    this.held -= e.bytes;
    return true;
  }

  /** Drops every entry whose key matches (e.g. all blocks of one image). */
  deleteWhere(pred: (key: K) => boolean): number {
    let n = 0;
    for (const k of [...this.map.keys()]) if (pred(k) && this.delete(k)) n++;
    return n;
  }

  /** Changes the bound (evicting at once when it shrinks). */
  resize(maxBytes: number): void {
    this.maxBytes = maxBytes;
    this.trim();
  }

  clear(): void {
    this.map.clear();
    this.held = 0;
  }

  get size(): number {
    return this.map.size;
  }

  get bytes(): number {
    return this.held;
  }

  stats(): LruStats {
    return { hits: this.hits, misses: this.misses, bytes: this.held, entries: this.map.size, evictions: this.evictions, maxBytes: this.maxBytes };
  }

  private trim(): void {
    while (this.held > this.maxBytes) {
      const oldest = this.map.keys().next();
      if (oldest.done) break;
      this.delete(oldest.value);
      this.evictions++;
    }
  }
}
