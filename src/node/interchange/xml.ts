/**
 * A small, strict XML reader for KML: elements (namespace prefix dropped), attributes, text and
 * CDATA, the five named entities and numeric references; comments, processing instructions and
 * DOCTYPE are skipped. Malformed or truncated input throws an XmlError with a line number.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export class XmlError extends Error {}

const ENTITY: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return ENTITY[e] ?? m;
  });
}

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);
const ATTR = /([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/g;

export function parseXml(src: string): XmlElement {
  const lineAt = (pos: number) => src.slice(0, pos).split('\n').length;
  const fail = (pos: number, msg: string): never => {
    throw new XmlError(`malformed XML at line ${lineAt(pos)}: ${msg}`);
  };
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const qnames: string[] = [''];
  let i = src.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = src.length;
  while (i < n) {
    const lt = src.indexOf('<', i);
    const top = stack[stack.length - 1]!;
    if (lt < 0) {
      if (stack.length > 1 && src.slice(i).trim()) top.text += decodeEntities(src.slice(i));
      break;
    }
    if (lt > i && stack.length > 1) top.text += decodeEntities(src.slice(i, lt));
    if (src.startsWith('<!--', lt)) {
      const end = src.indexOf('-->', lt + 4);
      if (end < 0) fail(lt, 'unterminated comment (truncated file?)');
      i = end + 3;
    } else if (src.startsWith('<![CDATA[', lt)) {
      const end = src.indexOf(']]>', lt + 9);
      if (end < 0) fail(lt, 'unterminated CDATA section (truncated file?)');
      top.text += src.slice(lt + 9, end);
      i = end + 3;
    } else if (src.startsWith('<?', lt)) {
      const end = src.indexOf('?>', lt + 2);
      if (end < 0) fail(lt, 'unterminated processing instruction');
      i = end + 2;
    } else if (src.startsWith('<!', lt)) {
      // DOCTYPE, possibly with an internal subset in brackets
      let j = lt + 2;
      let depth = 0;
      for (; j < n; j++) {
        const c = src[j];
        if (c === '[') depth++;
        else if (c === ']') depth--;
        else if (c === '>' && depth <= 0) break;
      }
      if (j >= n) fail(lt, 'unterminated declaration');
      i = j + 1;
    } else if (src[lt + 1] === '/') {
      const end = src.indexOf('>', lt);
      if (end < 0) fail(lt, 'unterminated closing tag (truncated file?)');
      const qname = src.slice(lt + 2, end).trim();
      if (stack.length === 1) fail(lt, `closing tag </${qname}> without an opening tag`);
      if (qnames[qnames.length - 1] !== qname) fail(lt, `expected </${qnames[qnames.length - 1]}>, found </${qname}>`);
      stack.pop();
      qnames.pop();
      i = end + 1;
    } else {
      // Start tag: find its end outside quoted attribute values.
      let j = lt + 1;
      let quote = '';
      for (; j < n; j++) {
        const c = src[j]!;
        if (quote) {
          if (c === quote) quote = '';
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '>') break;
        else if (c === '<') fail(j, 'unexpected "<" inside a tag');
      }
      if (j >= n) fail(lt, 'unterminated tag (truncated file?)');
      const selfClose = src[j - 1] === '/';
      const body = src.slice(lt + 1, selfClose ? j - 1 : j);
      const m = body.match(/^([^\s/>]+)/);
      if (!m) fail(lt, 'tag without a name');
      const qname = m![1]!;
      const el: XmlElement = { name: localName(qname), attrs: {}, children: [], text: '' };
      for (const a of body.slice(qname.length).matchAll(ATTR)) el.attrs[localName(a[1]!)] = decodeEntities(a[3] ?? a[4] ?? '');
      if (stack.length === 1 && root.children.length) fail(lt, 'more than one root element');
      top.children.push(el);
      if (!selfClose) {
        stack.push(el);
        qnames.push(qname);
      }
      i = j + 1;
    }
  }
  if (stack.length > 1) fail(n, `unexpected end of file inside <${qnames[qnames.length - 1]}> (truncated file?)`);
  const doc = root.children[0];
  if (!doc) fail(0, 'no root element');
  return doc!;
}

export function child(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c) => c.name === name);
}

export function childText(el: XmlElement, name: string): string | undefined {
  const c = child(el, name);
  return c ? c.text.trim() : undefined;
}
