/**
 * A supervisor's view of a Class 4 site (DOMAIN.md 3): the merge method (Bayes / STAPLE /
 * majority, those computed), the site figures (mean risk, risky fraction at the threshold, mean
 * entropy), toggles for the risk map over the imagery and the consensus polygons, each
 * labeller's map as an outline in their colour (toggle per labeller) with their weight, the
 * "no history" note, and the threshold caveat (`RISK_THRESHOLD_CAVEAT`) when it applies.
 * Test hooks: body[data-risk] ("on" / "off"), body[data-consensus-site].
 */
import type { ConsensusDetail, FieldmarkApi, LabelCollection, SiteDetail } from '../../src/common/api/contract';
import type { RiskTileMethod } from '../../src/common/api/tiles';
import type { BBox } from '../../src/common/geo/geojson';
import { RISK_THRESHOLD_CAVEAT } from '../../src/common/consensus/risk';
import type { AreaGeometry } from '../../src/common/geo/geojson';
import type { Store, ViewState } from '../state/store';
import { clear, h } from '../ui/dom';
import { num, pct } from './explain';
import { CONSENSUS_COLOUR, LABELLER_COLOURS } from './quality-layers';

const METHODS: RiskTileMethod[] = ['bayes', 'staple', 'majority'];
const METHOD_TEXT: Record<RiskTileMethod, string> = { bayes: 'Bayes', staple: 'STAPLE', majority: 'Majority' };

export interface ConsensusView {
  setRisk(siteId: string | null, method: RiskTileMethod, bounds: BBox | null, visible: boolean): void;
  setConsensus(geometry: AreaGeometry | null, visible: boolean): void;
  setLabellerMaps(labels: LabelCollection | null, colours: Map<string, string>, shown: ReadonlySet<string>): void;
}

export class ConsensusPanel {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly methodSeg: HTMLElement;
  private detail: ConsensusDetail | null = null;
  private methods: RiskTileMethod[] = [];
  private method: RiskTileMethod = 'bayes';
  private riskOn = false;
  private consensusOn = true;
  private shown = new Set<string>();
  private seq = 0;
  private view: ConsensusView | null = null;
  private siteId: string | null = null;

  constructor(
    private readonly store: Store,
    private readonly api: FieldmarkApi,
  ) {
    this.methodSeg = h('div', { class: 'seg seg-xs', role: 'group', 'aria-label': 'Merge method', id: 'consensus-method' });
    this.body = h('div', { class: 'qa-body' });
    this.el = h(
      'section',
      { class: 'panel qa-panel', id: 'consensus-panel', hidden: true },
      h('div', { class: 'panel-head' }, h('h2', { class: 'panel-title' }, 'Consensus'), h('span', { class: 'panel-spacer' }), this.methodSeg),
      this.body,
    );
    store.subscribe((s, prev) => {
      if (s.site !== prev.site || s.info !== prev.info) void this.load(s);
      else if (s.labels !== prev.labels) this.draw();
    });
    document.body.dataset['risk'] = 'off';
  }

  attach(view: ConsensusView): void {
    this.view = view;
    this.draw();
  }

  /** Toggles the risk map (the risk layer button / tests). */
  setRiskVisible(on: boolean): void {
    this.riskOn = on;
    this.render();
  }

  private staff(s: ViewState): boolean {
    const r = s.info?.user.role;
    return r === 'admin' || r === 'supervisor';
  }

  /** Reloads the open site's consensus (after `fieldmark consensus` ran, say). */
  reload(): void {
    void this.load(this.store.state, true);
  }

  private async load(s: ViewState, keep = false): Promise<void> {
    const seq = ++this.seq;
    const site = s.site;
    if (!site || site.cls !== 4 || !this.staff(s)) {
      this.siteId = null;
      this.detail = null;
      this.methods = [];
      this.render();
      return;
    }
    if (site.id !== this.siteId) {
      // A new site: every labeller shown, the risk choice kept.
      this.shown = new Set(site.assignments.map((a) => a.labellerId));
      this.siteId = site.id;
      if (!keep) this.consensusOn = true;
    }
    let methods: RiskTileMethod[] = [];
    try {
      const rows = await this.api.listSiteRisk();
      methods = METHODS.filter((m) => rows.some((r) => r.siteId === site.id && r.method === m));
    } catch {
      methods = [];
    }
    const method = methods.includes(this.method) ? this.method : (methods[0] ?? 'bayes');
    let detail: ConsensusDetail | null = null;
    if (methods.length) {
      try {
        detail = await this.api.getConsensus(site.id, method);
      } catch {
        detail = null;
      }
    }
    if (seq !== this.seq) return;
    this.methods = methods;
    this.method = method;
    this.detail = detail;
    this.render();
  }

  private async pickMethod(m: RiskTileMethod): Promise<void> {
    this.method = m;
    await this.load(this.store.state, true);
  }

  private colours(site: SiteDetail | null): Map<string, string> {
    const out = new Map<string, string>();
    for (const a of site?.assignments ?? []) {
      if (!out.has(a.labellerId)) out.set(a.labellerId, LABELLER_COLOURS[out.size % LABELLER_COLOURS.length]!);
    }
    return out;
  }

  private render(): void {
    const s = this.store.state;
    const site = s.site;
    const on = !!site && site.cls === 4 && this.staff(s);
    this.el.hidden = !on;
    clear(this.body);
    clear(this.methodSeg);
    if (site && on) document.body.dataset['consensusSite'] = site.id;
    else delete document.body.dataset['consensusSite'];
    if (!on || !site) {
      this.draw();
      return;
    }
    for (const m of this.methods) {
      this.methodSeg.append(h('button', { type: 'button', class: 'seg-btn', 'aria-pressed': String(m === this.method), 'data-method': m, onclick: () => void this.pickMethod(m) }, METHOD_TEXT[m]));
    }
    const d = this.detail;
    if (!d) {
      this.body.append(h('p', { class: 'qa-note', id: 'consensus-missing' }, 'No consensus for this site yet. Run ', h('code', {}, 'fieldmark consensus --db'), ' to merge its labellers\u2019 maps.'));
    } else {
      const fig = (label: string, value: string, title: string, id: string) => h('div', { class: 'qa-fig', title }, h('span', { class: 'qa-fig-v mono', id }, value), h('span', { class: 'qa-fig-k' }, label));
      this.body.append(
        h(
          'div',
          { class: 'qa-figs' },
          fig('mean risk', num(d.meanRisk, 3), 'Mean over the cell of r = min(C, 1 - C), 0 (all agree) to 0.5 (an even split)', 'consensus-mean-risk'),
          fig(`risky > ${num(d.riskThreshold)}`, pct(d.riskyFraction, 1), 'Share of the cell whose risk is above the threshold', 'consensus-risky'),
          fig('entropy', num(d.meanEntropy, 2), 'Mean binary entropy of C, bits: also sees 2-1 splits', 'consensus-entropy'),
        ),
        h(
          'div',
          { class: 'qa-toggles' },
          this.check('Risk map', 'risk-toggle', this.riskOn, (v) => (this.riskOn = v), h('span', { class: 'qa-ramp' })),
          this.check('Consensus', 'consensus-toggle', this.consensusOn, (v) => (this.consensusOn = v), h('span', { class: 'qa-swatch', style: `--c:${CONSENSUS_COLOUR}` })),
        ),
      );
      const caveat = d.caveat ?? (d.notes.includes(RISK_THRESHOLD_CAVEAT) ? RISK_THRESHOLD_CAVEAT : null);
      if (caveat) this.body.append(h('p', { class: 'qa-caveat', id: 'consensus-caveat' }, caveat));
    }
    const colours = this.colours(site);
    const list = h('ul', { class: 'qa-labellers', id: 'consensus-labellers' });
    for (const a of site.assignments) {
      const w = d?.weights.find((x) => x.id === a.labellerId);
      const box = h('input', {
        type: 'checkbox',
        checked: this.shown.has(a.labellerId),
        'data-labeller-id': a.labellerId,
        onchange: () => {
          if (box.checked) this.shown.add(a.labellerId);
          else this.shown.delete(a.labellerId);
          this.draw();
        },
      });
      const weight = !w ? '' : w.history ? `q ${num(w.q)}` : 'no history';
      const weightTitle = !w ? '' : w.history ? `Weight in the merge: mean Class 1 score q ${num(w.q)}, field skill ${num(w.fieldSkill)}, no-field skill ${num(w.noFieldSkill)}` : 'No Class 1 history: merged with the site mean, no weight of their own';
      list.append(
        h(
          'li',
          { class: 'qa-labeller' },
          h('label', { class: 'qa-check' }, box, h('span', { class: 'qa-swatch is-line', style: `--c:${colours.get(a.labellerId) ?? '#fff'}` }), h('span', { class: 'labeller-name' }, a.labellerName)),
          h('span', { class: `qa-weight mono${w && !w.history ? ' is-warn' : ''}`, title: weightTitle }, weight),
        ),
      );
    }
    this.body.append(h('div', { class: 'qa-sub-head' }, 'Labellers\u2019 maps'), list);
    if (d && d.noHistory.length) this.body.append(h('p', { class: 'qa-note' }, `Without Class 1 history (merged with the site mean, no weight of their own): ${d.noHistory.join(', ')}.`));
    for (const n of d?.notes ?? []) if (n !== RISK_THRESHOLD_CAVEAT) this.body.append(h('p', { class: 'qa-note' }, n));
    this.draw();
  }

  private check(label: string, id: string, on: boolean, set: (v: boolean) => void, extra: Node): HTMLElement {
    const box = h('input', {
      type: 'checkbox',
      id,
      checked: on,
      onchange: () => {
        set(box.checked);
        this.draw();
      },
    });
    return h('label', { class: 'qa-check' }, box, extra, label);
  }

  private draw(): void {
    const s = this.store.state;
    const site = s.site;
    const on = !this.el.hidden && !!site && !!this.detail;
    const [minX, minY, maxX, maxY] = site?.bbox ?? [0, 0, 0, 0];
    this.view?.setRisk(on ? site!.id : null, this.method, site ? [minX, minY, maxX, maxY] : null, on && this.riskOn);
    this.view?.setConsensus(on ? this.detail!.consensus : null, on && this.consensusOn);
    const labels = !this.el.hidden && site ? s.labels : null;
    this.view?.setLabellerMaps(labels, this.colours(site), labels ? this.shown : new Set());
    document.body.dataset['risk'] = on && this.riskOn ? 'on' : 'off';
  }
}
