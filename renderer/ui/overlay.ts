/**
 * A staff panel over the map opened from an app bar button (Campaign setup, Import / Export): the
 * button shows only for admins and supervisors, Esc closes (unless typing), `aria-expanded` and a
 * `body[data-<hook>]` test hook follow the open state, and `onOpen` runs on each opening.
 */
import { isTyping } from './dom';

export function isStaff(role: string | undefined): boolean {
  return role === 'admin' || role === 'supervisor';
}

export class StaffOverlay {
  constructor(
    private readonly button: HTMLButtonElement,
    private readonly el: HTMLElement,
    private readonly hook: string,
    private readonly onOpen: () => void,
  ) {
    document.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.open && !isTyping(e.target) && !e.defaultPrevented) {
        this.toggle(false);
        e.preventDefault();
      }
    });
  }

  get open(): boolean {
    return !this.el.hidden;
  }

  toggle(open: boolean = !this.open): void {
    if (open && this.button.hidden) return;
    this.el.hidden = !open;
    this.button.classList.toggle('is-open', open);
    this.button.setAttribute('aria-expanded', String(open));
    document.body.dataset[this.hook] = String(open);
    if (open) this.onOpen();
  }

  /** The signed-in role changed: the button only for staff (closed for anyone else). */
  setRole(role: string | undefined): void {
    this.button.hidden = !isStaff(role);
    if (this.button.hidden) this.toggle(false);
  }
}
