/** A tiny element builder: `h('button', {class: 'x', onclick}, 'text')`. No framework, no innerHTML. */
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;
export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el: Element): void {
  while (el.firstChild) el.firstChild.remove();
}

const SVG = 'http://www.w3.org/2000/svg';

/** Small stroke icons (16 px grid), drawn as DOM so no inline markup or external files are needed. */
const ICONS: Record<string, string[]> = {
  user: ['M8 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6Z', 'M2.5 14c.6-2.6 2.8-4 5.5-4s4.9 1.4 5.5 4'],
  layers: ['M8 2 1.5 5.5 8 9l6.5-3.5L8 2Z', 'M1.5 8.5 8 12l6.5-3.5', 'M1.5 11.5 8 15l6.5-3.5'],
  calendar: ['M2.5 3.5h11v10h-11z', 'M2.5 6.5h11', 'M5.5 2v3', 'M10.5 2v3'],
  fit: ['M2 5.5V2h3.5', 'M10.5 2H14v3.5', 'M14 10.5V14h-3.5', 'M5.5 14H2v-3.5', 'M5.5 5.5h5v5h-5z'],
  close: ['M4 4l8 8', 'M12 4l-8 8'],
  search: ['M7 12A5 5 0 1 0 7 2a5 5 0 0 0 0 10Z', 'M10.6 10.6 14 14'],
  eye: ['M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8Z', 'M8 10a2 2 0 1 0 0-4 2 2 0 0 0 0 4Z'],
  alert: ['M8 1.8 15 14H1L8 1.8Z', 'M8 6.5v3.5', 'M8 11.8v.4'],
};

export function icon(name: keyof typeof ICONS | string, cls = 'icon'): SVGSVGElement {
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('class', cls);
  svg.setAttribute('aria-hidden', 'true');
  for (const d of ICONS[name] ?? []) {
    const p = document.createElementNS(SVG, 'path');
    p.setAttribute('d', d);
    svg.append(p);
  }
  return svg;
}

/** True when keyboard shortcuts must not fire (typing in a field). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}
