/**
 * Reads a large GeoJSON FeatureCollection without holding the file as one string: scans the bytes
 * of the root object, hands every top-level member but "features" to `onMember` (parsed), and
 * every element of "features" to `onFeature` (parsed one at a time).
 */
import { createReadStream } from 'node:fs';

export class JsonScanError extends Error {}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
/** Bytes that may start or continue a number, true, false or null. */
const SCALAR = new Set([...'0123456789+-.eEtruefalsn'].map((ch) => ch.charCodeAt(0)));
const enum S {
  Root,
  KeyOrEnd,
  Colon,
  Value,
  AfterMember,
  Element,
  AfterElement,
  End,
}
const enum Cap {
  None,
  Key,
  Member,
  Feature,
}

export async function scanFeatureCollection(
  path: string,
  onMember: (key: string, value: unknown) => void,
  onFeature: (value: unknown, index: number) => void,
): Promise<void> {
  let state = S.Root;
  let cap = Cap.None;
  let pieces: Buffer[] = [];
  let depth = 0;
  let inStr = false;
  let esc = false;
  let scalar = false;
  let key = '';
  let featureIndex = 0;
  let offset = 0;

  const parse = (raw: string, what: string): unknown => {
    try {
      return JSON.parse(raw);
    } catch (e) {
      throw new JsonScanError(`invalid JSON in ${what} (${(e as Error).message})`);
    }
  };
  const finish = (): void => {
    const raw = Buffer.concat(pieces).toString('utf8');
    pieces = [];
    const kind = cap;
    cap = Cap.None;
    if (kind === Cap.Key) {
      key = parse(raw, 'a member name') as string;
      state = S.Colon;
    } else if (kind === Cap.Member) {
      onMember(key, parse(raw, `member "${key}"`));
      state = S.AfterMember;
    } else {
      const i = featureIndex++;
      onFeature(parse(raw, `feature ${i}`), i);
      state = S.AfterElement;
    }
  };
  const begin = (kind: Cap, c: number, at: number): void => {
    if (c !== 0x22 && c !== 0x7b && c !== 0x5b && !SCALAR.has(c)) unexpected(c, at);
    cap = kind;
    pieces = [];
    inStr = c === 0x22;
    esc = false;
    depth = c === 0x7b || c === 0x5b ? 1 : 0;
    scalar = !inStr && depth === 0;
  };
  const unexpected = (c: number, at: number): never => {
    throw new JsonScanError(`unexpected ${JSON.stringify(String.fromCharCode(c))} at byte ${at}`);
  };

  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 }) as AsyncIterable<Buffer>) {
    let start = cap === Cap.None ? -1 : 0;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (cap !== Cap.None) {
        if (scalar) {
          if (!SCALAR.has(c) && c !== 0x2c && c !== 0x7d && c !== 0x5d && !WS.has(c)) unexpected(c, offset + i);
          if (c === 0x2c || c === 0x7d || c === 0x5d || WS.has(c)) {
            pieces.push(chunk.subarray(start, i));
            finish();
            start = -1;
            i--; // the delimiter belongs to the next state
          }
          continue;
        }
        if (inStr) {
          if (esc) esc = false;
          else if (c === 0x5c) esc = true;
          else if (c === 0x22) {
            inStr = false;
            if (depth === 0) {
              pieces.push(chunk.subarray(start, i + 1));
              finish();
              start = -1;
            }
          }
          continue;
        }
        if (c === 0x22) inStr = true;
        else if (c === 0x7b || c === 0x5b) depth++;
        else if (c === 0x7d || c === 0x5d) {
          if (--depth === 0) {
            pieces.push(chunk.subarray(start, i + 1));
            finish();
            start = -1;
          }
        }
        continue;
      }
      if (WS.has(c)) continue;
      const at = offset + i;
      switch (state as S) {
        case S.Root:
          if (at < 3 && (c === 0xef || c === 0xbb || c === 0xbf)) break; // UTF-8 byte order mark
          if (c !== 0x7b) throw new JsonScanError('the root is not a JSON object (large files must be a FeatureCollection)');
          state = S.KeyOrEnd;
          break;
        case S.KeyOrEnd:
          if (c === 0x7d) state = S.End;
          else if (c === 0x22) {
            begin(Cap.Key, c, at);
            start = i;
          } else unexpected(c, at);
          break;
        case S.Colon:
          if (c !== 0x3a) unexpected(c, at);
          state = S.Value;
          break;
        case S.Value:
          if (key === 'features' && c === 0x5b) state = S.Element;
          else {
            begin(Cap.Member, c, at);
            start = i;
          }
          break;
        case S.AfterMember:
          if (c === 0x2c) state = S.KeyOrEnd;
          else if (c === 0x7d) state = S.End;
          else unexpected(c, at);
          break;
        case S.Element:
          if (c === 0x5d) state = S.AfterMember;
          else {
            begin(Cap.Feature, c, at);
            start = i;
          }
          break;
        case S.AfterElement:
          if (c === 0x2c) state = S.Element;
          else if (c === 0x5d) state = S.AfterMember;
          else unexpected(c, at);
          break;
        case S.End:
          unexpected(c, at);
      }
    }
    if (cap !== Cap.None && start >= 0) pieces.push(chunk.subarray(start));
    offset += chunk.length;
  }
  if (cap !== Cap.None && scalar) finish();
  if (state !== S.End) throw new JsonScanError('unexpected end of file (truncated JSON)');
}
