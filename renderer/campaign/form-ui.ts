/**
 * Small DOM pieces shared by the setup forms: a labelled field, a one-line status beside a form
 * (an error in red, a result in plain text), and `runForm`, which disables the button while the
 * call runs and turns any failure (a FormError from parsing, an ApiError from the server) into
 * that one line.
 */
import { h, type Child } from '../ui/dom';

export function message(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.split('\n')[0] ?? m;
}

/** `<label>` with its text above the control. */
export function field(label: string, control: HTMLElement, hint?: string): HTMLLabelElement {
  return h('label', { class: 'cs-field' }, h('span', { class: 'cs-label' }, label), control, hint ? h('span', { class: 'cs-hint' }, hint) : null);
}

export function input(attrs: Record<string, string | number | boolean | undefined>): HTMLInputElement {
  return h('input', { class: 'cs-input', type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs });
}

/** One line beside a form: `error` (role=alert) or `ok`. Test hook: `data-state`. */
export class FormStatus {
  readonly el: HTMLElement;
  constructor(id: string) {
    this.el = h('div', { class: 'cs-status', id, 'aria-live': 'polite', 'data-state': 'idle' });
  }
  error(text: string): void {
    this.el.textContent = text;
    this.el.dataset['state'] = 'error';
    this.el.setAttribute('role', 'alert');
  }
  ok(...content: Child[]): void {
    this.el.replaceChildren();
    for (const c of content) if (c !== null && c !== undefined && c !== false) this.el.append(c instanceof Node ? c : String(c));
    this.el.dataset['state'] = 'ok';
    this.el.removeAttribute('role');
  }
  clear(): void {
    this.el.textContent = '';
    this.el.dataset['state'] = 'idle';
    this.el.removeAttribute('role');
  }
}

/** Runs a form's action: the button disabled meanwhile, any failure shown as one line. */
export async function runForm(button: HTMLButtonElement, status: FormStatus, action: () => Promise<void>): Promise<void> {
  if (button.disabled) return;
  button.disabled = true;
  status.el.dataset['state'] = 'busy';
  try {
    await action();
    if (status.el.dataset['state'] === 'busy') status.clear();
  } catch (e) {
    status.error(message(e));
  } finally {
    button.disabled = false;
  }
}

/** A section of the setup view with its title. */
export function section(id: string, title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'cs-section', id }, h('h3', { class: 'cs-title' }, title), ...children);
}
