/**
 * People of the setup view: every account (`listLabellers`) with, for labellers, their
 * qualification (`listLabellerTable`) and a pass / fail / computed override (`setQualification`);
 * adding an account (`addUser`: name, role, optional password; the one-time static token and a
 * copyable sign-in link `<origin>/?token=...` are shown once); setting a password (`setPassword`).
 * A supervisor may add labellers only and set only their own password: the server refuses the
 * rest and the refusal is shown beside the form.
 */
import type { LabellerTableRow, NewUser, QualificationStatus } from '../../src/common/api/campaign-contract';
import type { FieldmarkApi, LabellerSummary, Role } from '../../src/common/api/contract';
import { clear, h } from '../ui/dom';
import { checkPassword, checkUserName, signInLink } from './forms';
import { field, FormStatus, input, message, runForm, section } from './form-ui';

function qualificationText(q: QualificationStatus | undefined): string {
  if (!q) return '';
  const mean = q.meanScore === null ? '' : `, mean ${q.meanScore.toFixed(2)}`;
  const state = q.state === 'none' ? 'no test' : q.state;
  return `${state}${q.override ? ' (set by staff)' : ''}${q.total ? ` · ${q.done}/${q.total}${mean}` : ''}`;
}

export class PeopleForm {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private readonly listStatus = new FormStatus('people-list-status');
  private readonly name: HTMLInputElement;
  private readonly role: HTMLSelectElement;
  private readonly password: HTMLInputElement;
  private readonly addButton: HTMLButtonElement;
  private readonly addStatus = new FormStatus('people-add-status');
  private readonly pwUser: HTMLSelectElement;
  private readonly pwValue: HTMLInputElement;
  private readonly pwButton: HTMLButtonElement;
  private readonly pwStatus = new FormStatus('people-password-status');
  private people: LabellerSummary[] = [];
  private hasCampaign = false;

  constructor(
    private readonly api: FieldmarkApi,
    private readonly origin: () => string,
  ) {
    this.list = h('div', { class: 'cs-people', id: 'people-list' });
    this.name = input({ id: 'cs-user-name', maxlength: 100, placeholder: 'e.g. Ama Mensah' });
    this.role = h('select', { class: 'select', id: 'cs-user-role' }, h('option', { value: 'labeller' }, 'Labeller'), h('option', { value: 'supervisor' }, 'Supervisor'), h('option', { value: 'admin' }, 'Admin'));
    this.password = input({ id: 'cs-user-password', type: 'password', autocomplete: 'new-password', placeholder: 'optional, 8+ characters' });
    this.addButton = h('button', { type: 'submit', class: 'tb-btn cs-submit', id: 'cs-user-add' }, 'Add person');
    const addForm = h(
      'form',
      { class: 'cs-form', id: 'user-form', novalidate: true },
      h('div', { class: 'cs-row' }, field('Name', this.name), field('Role', this.role), field('Password', this.password)),
      h('div', { class: 'cs-actions' }, this.addButton, this.addStatus.el),
    );
    addForm.addEventListener('submit', (e) => {
      e.preventDefault();
      void runForm(this.addButton, this.addStatus, () => this.add());
    });
    this.pwUser = h('select', { class: 'select', id: 'cs-password-user' });
    this.pwValue = input({ id: 'cs-password-value', type: 'password', autocomplete: 'new-password', placeholder: '8+ characters' });
    this.pwButton = h('button', { type: 'submit', class: 'tb-btn cs-submit', id: 'cs-password-save' }, 'Set password');
    const pwForm = h(
      'form',
      { class: 'cs-form', id: 'password-form', novalidate: true },
      h('div', { class: 'cs-row' }, field('Person', this.pwUser), field('New password', this.pwValue)),
      h('div', { class: 'cs-actions' }, this.pwButton, this.pwStatus.el),
    );
    pwForm.addEventListener('submit', (e) => {
      e.preventDefault();
      void runForm(this.pwButton, this.pwStatus, () => this.setPassword());
    });
    this.el = section(
      'cs-people',
      'People',
      this.list,
      this.listStatus.el,
      h('h4', { class: 'cs-subtitle' }, 'Add a person'),
      h('p', { class: 'cs-note' }, 'Each account gets a sign-in link (shown once); with a password they can also sign in by name.'),
      addForm,
      h('h4', { class: 'cs-subtitle' }, 'Set a password'),
      pwForm,
    );
  }

  /** Who is setting up: a supervisor may add labellers only (the server enforces it too). */
  setCaller(role: Role): void {
    for (const o of this.role.options) o.disabled = role !== 'admin' && o.value !== 'labeller';
    if (role !== 'admin') this.role.value = 'labeller';
  }

  /** Reloads the list (qualification only when a campaign exists). */
  async load(hasCampaign = this.hasCampaign): Promise<void> {
    this.hasCampaign = hasCampaign;
    this.list.dataset['loaded'] = 'false';
    this.listStatus.clear();
    let table: LabellerTableRow[] = [];
    try {
      this.people = await this.api.listLabellers();
      if (hasCampaign) table = await this.api.listLabellerTable();
    } catch (e) {
      this.listStatus.error(`Cannot list the people: ${message(e)}`);
    }
    this.render(new Map(table.map((r) => [r.id, r.qualification])));
    this.list.dataset['loaded'] = 'true';
  }

  private render(quals: Map<string, QualificationStatus>): void {
    clear(this.list);
    const rows = this.people.map((p) => {
      const q = quals.get(p.id);
      const override = p.role === 'labeller' && q ? this.overrideControl(p.id, q) : h('span', { class: 'cs-dim' }, p.role === 'labeller' ? '' : 'staff');
      return h('tr', { 'data-user': p.id }, h('td', {}, p.name), h('td', { class: 'cs-mono' }, p.id), h('td', {}, p.role), h('td', { class: 'cs-num' }, String(p.assignments)), h('td', { class: 'cs-qual' }, qualificationText(q)), h('td', {}, override));
    });
    this.list.append(
      rows.length
        ? h('table', { class: 'cs-table' }, h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Id'), h('th', {}, 'Role'), h('th', {}, 'Tasks'), h('th', {}, 'Qualification'), h('th', {}, 'Override'))), h('tbody', {}, ...rows))
        : h('p', { class: 'cs-note' }, 'No accounts yet.'),
    );
    const keep = this.pwUser.value;
    clear(this.pwUser);
    for (const p of this.people) this.pwUser.append(h('option', { value: p.id }, `${p.name} (${p.id})`));
    if (this.people.some((p) => p.id === keep)) this.pwUser.value = keep;
  }

  private overrideControl(id: string, q: QualificationStatus): HTMLSelectElement {
    const sel = h('select', { class: 'select cs-override', 'data-labeller': id, 'aria-label': `Qualification of ${id}` }, h('option', { value: 'computed' }, 'computed'), h('option', { value: 'passed' }, 'pass'), h('option', { value: 'failed' }, 'fail'));
    sel.value = q.override ? (q.state === 'failed' ? 'failed' : 'passed') : 'computed';
    sel.addEventListener('change', () => {
      sel.disabled = true;
      this.api.setQualification(id, sel.value as 'passed' | 'failed' | 'computed').then(
        () => void this.load(),
        (e: unknown) => {
          sel.disabled = false;
          this.listStatus.error(`${id}: ${message(e)}`);
        },
      );
    });
    return sel;
  }

  private async add(): Promise<void> {
    const user: NewUser = { name: checkUserName(this.name.value), role: this.role.value as Role };
    const pw = checkPassword(this.password.value, true);
    if (pw) user.password = pw;
    const r = await this.api.addUser(user);
    const link = signInLink(this.origin(), r.token);
    const linkEl = h('input', { class: 'cs-input cs-link', id: 'cs-new-link', readonly: true, value: link, 'aria-label': 'Sign-in link' });
    const copy = h('button', { type: 'button', class: 'tb-btn', id: 'cs-copy-link' }, 'Copy');
    copy.addEventListener('click', () => {
      linkEl.select();
      void navigator.clipboard?.writeText(link).then(
        () => (copy.textContent = 'Copied'),
        () => (copy.textContent = 'Select and copy'),
      );
    });
    this.addStatus.ok(
      h(
        'div',
        { class: 'cs-new-user', id: 'cs-new-user', 'data-user': r.id },
        h('div', {}, `Added ${r.name} (${r.id}, ${r.role})${pw ? ' with a password' : ''}. Their sign-in token, shown only now:`),
        h('code', { class: 'cs-token', id: 'cs-new-token' }, r.token),
        h('div', { class: 'cs-link-row' }, linkEl, copy),
      ),
    );
    this.name.value = '';
    this.password.value = '';
    await this.load();
  }

  private async setPassword(): Promise<void> {
    const id = this.pwUser.value;
    if (!id) throw new Error('person: pick one');
    const pw = checkPassword(this.pwValue.value)!;
    const r = await this.api.setPassword(id, pw);
    this.pwValue.value = '';
    this.pwStatus.ok(`Password set for ${r.userId}: they can sign in with their name and it.`);
  }
}
