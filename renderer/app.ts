/**
 * The application shell: builds the layout, owns the view state, and turns user actions into
 * API calls. Every API failure ends in a banner, never in an unhandled rejection.
 */
import type { Map as MlMap } from 'maplibre-gl';
import type { SiteClass } from '../src/common/api/contract';
import { connect, type Connection } from './api/connect';
import { MapController } from './map/map-controller';
import { createMap } from './map/map-view';
import { Store, type BandMode } from './state/store';
import { mirrorStateToBody } from './state/body-state';
import { Banners } from './ui/banner';
import { h, isTyping } from './ui/dom';
import { Legend } from './ui/legend';
import { SiteList } from './ui/site-list';
import { SitePanel } from './ui/site-panel';
import { StatusBar } from './ui/status-bar';
import { Toolbar } from './ui/toolbar';
import { Editor } from './editor/editor';
import { actionFor, type EditorAction } from './editor/keymap';
import { TaskFlow } from './editor/task-flow';
import { installTestHooks } from './editor/test-hooks';
import { EditTools } from './ui/edit-tools';
import { HelpOverlay } from './ui/help-overlay';
import { TaskPanel } from './ui/task-panel';
import { CompareController } from './compare/compare-controller';
import { ImageControls } from './ui/image-controls';
import { QualityUi } from './quality/quality-ui';
import { mountSuggestTelemetry } from './quality/suggest-telemetry';
import { TransferView } from './transfer/transfer-view';
import { OfflinePanel } from './campaign/offline-panel';
import { SetupView } from './campaign/setup-view';
import { SessionUi } from './campaign/sign-in';

declare global {
  interface Window {
    /** The MapLibre map, only with `?test=1` in the page URL (e2e pixel checks). */
    __fieldmarkMap?: MlMap;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export class App {
  readonly store = new Store();
  readonly banners = new Banners();
  private readonly conn: Connection;
  private readonly siteList: SiteList;
  private readonly statusBar: StatusBar;
  private readonly sitePanel: SitePanel;
  private mapCtl: MapController | null = null;
  /** Bumped on every site open: late answers for an older request are dropped. */
  private openSeq = 0;
  /** The editor, once the map's style has loaded. */
  private readonly editorReady: Promise<Editor>;
  private resolveEditor!: (e: Editor) => void;
  private editor: Editor | null = null;
  private readonly flow: TaskFlow;
  private readonly help = new HelpOverlay();
  private taskPanel: TaskPanel | null = null;
  private tools: EditTools | null = null;
  private readonly taskSlot: HTMLElement;
  private readonly toolSlot: HTMLElement;
  /** Swipe / flicker between two dates (renderer/compare/). */
  private readonly compare: CompareController;
  private readonly imageControls: ImageControls;
  /** Quality tables, consensus and feedback panels (renderer/quality/). */
  private readonly quality: QualityUi;
  /** Import / Export panel (staff; renderer/transfer/). */
  private readonly transfer: TransferView;
  /** Sign-in gating and sign-out, campaign setup (staff), offline packages (labellers): renderer/campaign/. */
  private readonly session: SessionUi;
  private readonly setup: SetupView;
  private readonly offline: OfflinePanel;
  private readonly root: HTMLElement;

  constructor(root: HTMLElement) {
    this.conn = connect();
    this.root = root;
    this.session = new SessionUi(this.conn);
    this.setup = new SetupView(this.store, this.conn.api, { changed: () => void this.refreshCampaign() });
    this.offline = new OfflinePanel(this.store, this.conn.transfer);
    this.editorReady = new Promise((r) => (this.resolveEditor = r));
    this.flow = new TaskFlow({ api: this.conn.api, store: this.store, banners: this.banners, editor: this.editorReady });
    this.taskSlot = h('div', { class: 'task-slot' });
    this.toolSlot = h('div', { class: 'tool-slot' });
    const body = document.body;
    body.dataset['ready'] = 'false';
    body.dataset['host'] = this.conn.bridge.host;

    this.siteList = new SiteList(this.store, {
      openSite: (id) => void this.openSite(id),
      setClassFilter: (cls) => this.setClassFilter(cls),
    });
    const mapEl = h('div', { class: 'map', id: 'map' });
    this.compare = new CompareController(this.store, mapEl);
    this.imageControls = new ImageControls(this.store);
    this.quality = new QualityUi({ store: this.store, api: this.conn.api, tileBase: this.conn.bridge.tileBase, token: this.conn.token, openSite: (id) => void this.openSite(id), problem: (m) => this.banners.error(m) });
    this.transfer = new TransferView({ store: this.store, api: this.conn.api, transfer: this.conn.transfer, problem: (m) => this.banners.error(m) });
    const toolbar = new Toolbar(
      this.store,
      {
        setScene: (id) => this.store.set({ sceneId: id }),
        setBands: (mode) => this.setBands(mode),
        setLabelsVisible: (v) => this.store.set({ labelsVisible: v }),
        fitSite: () => this.mapCtl?.fit(),
      },
      { afterDates: [this.compare.controls], afterBands: [this.imageControls.button] },
    );
    this.statusBar = new StatusBar(this.store, this.conn.bridge.host === 'electron' ? 'Desktop' : window.location.host);
    const legend = new Legend(this.store);
    this.sitePanel = new SitePanel(this.store, { setAssignment: (id) => this.store.set({ assignmentId: id, labelsVisible: true }) });

    const campaign = h('div', { class: 'tb-campaign', id: 'campaign' });
    const user = h('div', { class: 'tb-user', id: 'user' });
    const empty = h(
      'div',
      { class: 'map-empty', id: 'map-empty' },
      h('div', { class: 'map-empty-title' }, 'No site open'),
      h('div', { class: 'map-empty-hint' }, 'Pick a site in the list, or use the arrow keys.'),
    );
    root.append(
      h('header', { class: 'appbar' }, h('div', { class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }), 'Fieldmark'), campaign, h('div', { class: 'appbar-spacer' }), this.setup.button, this.quality.button, this.transfer.button, user, this.session.signOutButton),
      h('aside', { class: 'sidebar' }, this.taskSlot, this.offline.el, this.siteList.el, this.sitePanel.el, ...this.quality.panels),
      h('main', { class: 'workspace' }, toolbar.el, h('div', { class: 'map-wrap' }, mapEl, legend.el, empty, this.toolSlot, this.compare.divider, this.imageControls.panel, this.quality.overlay, this.transfer.el, this.setup.el, this.banners.el)),
      this.statusBar.el,
      this.help.el,
    );
    mountSuggestTelemetry(this.conn.api, this.store, root); // staff: suggestion telemetry (app bar "Suggestions")

    mirrorStateToBody(this.store, { campaign, user, empty });

    this.startMap(mapEl);
    this.conn.monitor.onConnection((c) => this.store.set({ connection: c }));
    this.store.set({ connection: this.conn.monitor.connection });
    this.conn.bridge.onEvent((ev) => {
      this.quality.onEvent(ev);
      if (ev.type !== 'changed') return;
      const siteId = this.store.state.siteId;
      // ids of a labels change may name sites or labels: reload unless they name only other sites.
      const ids = ev.ids ?? [];
      const mayConcern = ids.length === 0 || ids.includes(siteId ?? '') || ids.some((i) => typeof i === 'number');
      // While a task is open its own edits are what changed: the editor knows them already.
      if (ev.entity === 'labels' && siteId && mayConcern && !this.store.state.task) void this.reloadLabels();
      if (ev.entity === 'sites' || ev.entity === 'campaign' || ev.entity === 'assignments') void this.loadSites();
    });
    document.addEventListener('keydown', (e) => this.onKey(e));
    window.addEventListener('unhandledrejection', (e) => {
      e.preventDefault();
      this.banners.error(message(e.reason));
    });
  }

  private startMap(el: HTMLElement): void {
    let map: MlMap;
    try {
      map = createMap({ container: el, tileBase: this.conn.bridge.tileBase, token: this.conn.token });
    } catch (e) {
      this.banners.error(`The map cannot start (WebGL unavailable?): ${message(e)}`);
      return;
    }
    if (new URLSearchParams(window.location.search).get('test') === '1') window.__fieldmarkMap = map;
    this.mapCtl = new MapController(map, this.store, this.conn.bridge.tileBase, {
      onLoading: (state, text) => this.statusBar.setLoading(state, text),
      onTileError: (msg) => this.banners.error(msg),
    });
    const updateZoom = () => this.statusBar.setZoom(map.getZoom());
    map.on('zoom', updateZoom);
    updateZoom();
    map.on('mousemove', (e) => this.statusBar.setCursor(e.lngLat));
    map.on('mouseout', () => this.statusBar.setCursor(null));
    const mapCtl = this.mapCtl;
    void mapCtl.ready.then(() => {
      this.compare.attach(mapCtl.imagery);
      this.quality.attach(map);
    });
    void mapCtl.ready.then(() => this.startEditor(map, mapCtl));
  }

  private startEditor(map: MlMap, mapCtl: MapController): void {
    const editor = new Editor(map, mapCtl.edit!, this.conn.api, {
      onUpdate: () => {
        this.taskPanel?.render();
        this.tools?.render();
      },
      problem: (m) => this.banners.error(m),
    });
    this.editor = editor;
    editor.currentScene = () => this.store.state.sceneId;
    this.taskPanel = new TaskPanel(editor, { nextTask: () => void this.flow.next(), submit: () => void this.flow.submit(), returnTask: () => void this.flow.returnTask() });
    this.tools = new EditTools(editor);
    this.taskSlot.append(this.taskPanel.el);
    this.toolSlot.append(this.tools.el, this.tools.hint);
    window.addEventListener('beforeunload', (e) => {
      // Autosave sends every edit at once; only a still-unanswered one makes the browser ask.
      if (editor.session?.pending) e.preventDefault();
    });
    installTestHooks(editor, map);
    this.resolveEditor(editor);
  }

  /** Runs an API call; a failure becomes a banner and `undefined`. */
  private async guard<T>(what: string, p: Promise<T>): Promise<T | undefined> {
    try {
      return await p;
    } catch (e) {
      this.banners.error(`${what}: ${message(e)}`);
      return undefined;
    }
  }

  async start(): Promise<void> {
    let info;
    try {
      info = await this.conn.api.getAppInfo();
    } catch (e) {
      if (this.session.gate(e, this.root)) return; // not signed in: the sign-in page instead of the app
      this.banners.error(`Cannot read the campaign: ${message(e)}`);
    }
    this.session.markStarted();
    if (info) this.store.set({ info });
    await this.loadSites();
    const fromHash = /^#site=([A-Za-z0-9_.:-]+)$/.exec(window.location.hash)?.[1];
    const taskHash = /^#task=(\d+)$/.exec(window.location.hash)?.[1];
    if (taskHash) await this.flow.open(Number(taskHash));
    else if (fromHash && this.store.state.sites.some((s) => s.id === fromHash)) await this.openSite(fromHash);
  }

  /** The campaign was set up or changed in the setup view: re-read its summary and sites. */
  private async refreshCampaign(): Promise<void> {
    const info = await this.guard('Cannot read the campaign', this.conn.api.getAppInfo());
    if (info) this.store.set({ info });
    await this.loadSites();
  }

  private async loadSites(): Promise<void> {
    if (this.store.state.info && !this.store.state.info.campaign) {
      this.store.set({ sites: [], sitesLoading: false }); // an empty database: set one up (Campaign)
      return;
    }
    const sites = await this.guard('Cannot list the sites', this.conn.api.listSites());
    this.store.set({ sites: sites ?? this.store.state.sites, sitesLoading: false });
  }

  private setClassFilter(cls: SiteClass | null): void {
    this.store.set({ classFilter: cls });
  }

  private setBands(mode: BandMode): void {
    if (!this.store.state.site) return;
    this.store.set({ bands: mode });
  }

  async openSite(id: string): Promise<void> {
    if (this.store.state.task) await this.flow.close();
    const seq = ++this.openSeq;
    this.store.set({ siteId: id });
    document.body.dataset['ready'] = 'false';
    document.body.dataset['opening'] = id;
    const result = await this.guard(
      `Cannot open site ${id}`,
      Promise.all([this.conn.api.getSite(id), this.conn.api.listLabels(id)]),
    );
    if (seq !== this.openSeq) return;
    delete document.body.dataset['opening'];
    if (!result) {
      this.store.set({ siteId: this.store.state.site?.id ?? null });
      return;
    }
    const [site, labels] = result;
    const prevScene = this.store.state.site?.scenes.find((s) => s.id === this.store.state.sceneId);
    // Keep the same season/date position when moving between sites, else the first scene.
    const scene =
      (prevScene && site.scenes.find((s) => s.date === prevScene.date)) ??
      (prevScene?.season ? site.scenes.find((s) => s.season === prevScene.season) : undefined) ??
      site.scenes[0] ??
      null;
    this.store.set({ site, labels, sceneId: scene?.id ?? null, assignmentId: null });
    if (window.location.hash !== `#site=${id}`) window.history.replaceState(window.history.state, '', `#site=${id}`);
  }

  private async reloadLabels(): Promise<void> {
    const site = this.store.state.site;
    if (!site) return;
    const labels = await this.guard(`Cannot reload the labels of ${site.id}`, this.conn.api.listLabels(site.id));
    if (labels && this.store.state.site?.id === site.id) this.store.set({ labels });
  }

  private stepScene(delta: number): void {
    const s = this.store.state;
    const scenes = s.site?.scenes ?? [];
    if (scenes.length < 2) return;
    const i = scenes.findIndex((x) => x.id === s.sceneId);
    const next = scenes[(i + delta + scenes.length) % scenes.length];
    if (next) this.store.set({ sceneId: next.id });
  }

  /** Editor keys first while a task is open (or N / ? without one); true when handled. */
  private editorKey(e: KeyboardEvent): boolean {
    const ed = this.editor;
    if (!ed || isTyping(e.target)) return false;
    if (this.help.open && (e.key === 'Escape' || e.key === '?')) {
      this.help.toggle(false);
      return true;
    }
    if (ed.modeKey(e)) return true;
    const action = actionFor(e);
    if (!ed.session) {
      if (action === 'nextTask') void this.flow.next();
      else if (action === 'help') this.help.toggle();
      else return false;
      return true;
    }
    if (!e.ctrlKey && !e.metaKey && !e.altKey && /^[1-9]$/.test(e.key)) {
      ed.pickCategory(Number(e.key));
      return true;
    }
    if (!action) return false;
    this.runAction(ed, action);
    return true;
  }

  private runAction(ed: Editor, action: EditorAction): void {
    switch (action) {
      case 'undo': return ed.undo();
      case 'redo': return ed.redo();
      case 'merge': return ed.merge();
      case 'delete': return ed.deleteSelected();
      case 'snap': return ed.toggleSnapping();
      case 'comment': return this.taskPanel?.focusComment();
      case 'nextIssue': return ed.nextIssue();
      case 'submit': return void this.flow.submit();
      case 'nextTask': return void this.flow.next();
      case 'help': return this.help.toggle();
      case 'propose': return ed.proposeInView();
      default: return ed.setMode(action);
    }
  }

  private onKey(e: KeyboardEvent): void {
    if (e.defaultPrevented) return;
    if (this.editorKey(e)) {
      e.preventDefault();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey || isTyping(e.target)) return;
    const s = this.store.state;
    const onMap = e.target instanceof HTMLElement && !!e.target.closest('.map');
    switch (e.key) {
      case 'f':
      case 'F':
        this.setBands(s.bands === 'true' ? 'false' : 'true');
        break;
      case 'l':
      case 'L':
        if (s.site) this.store.set({ labelsVisible: !s.labelsVisible });
        break;
      case 'z':
      case 'Z':
        this.mapCtl?.fit();
        break;
      case '[':
        this.stepScene(-1);
        break;
      case ']':
        this.stepScene(1);
        break;
      case 'ArrowDown':
      case 'ArrowUp':
        if (onMap) return; // the map pans with arrow keys when it has focus
        this.siteList.step(e.key === 'ArrowDown' ? 1 : -1);
        this.siteList.focus();
        break;
      case '0':
      case '1':
      case '2':
      case '3':
      case '4':
      case '5':
      case '6':
      case '7':
      case '8':
      case '9':
        this.sitePanel.pick(Number(e.key));
        break;
      case 'Escape':
        for (const b of this.banners.el.querySelectorAll<HTMLElement>('.banner')) this.banners.dismiss(b.dataset['message'] ?? '');
        break;
      default:
        return;
    }
    e.preventDefault();
  }
}
