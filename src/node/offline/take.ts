/**
 * Taking work offline: up to `n` tasks of one labeller (their open ones first, then new ones by
 * the scheduling rules, all given the package deadline) written into one package file (see
 * package-db.ts). The server records the package and, per task, its edit-log revision at that
 * moment: the return compares against it (return.ts). Written to a temporary file, then renamed.
 */
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, statSync } from 'node:fs';
import type { OfflineTakeResult } from '../../common/api/contract';
import { ApiError } from '../../common/api/errors';
import { EventHub } from '../../common/api/events';
import { bboxOf, type Polygon } from '../../common/geo/geojson';
import { contextWindow } from '../../common/geo/site-cell';
import { Graph } from '../../common/graph/graph';
import { campaignRules } from '../campaign/settings';
import { takeTasks } from '../campaign/scheduler';
import { resolveScenePath } from '../service/scene-catalog';
import type { ImageryCache } from '../service/imagery-cache';
import { currentCampaign } from '../store/campaign.repo';
import { openDatabase, type Db } from '../store/database';
import { appendLog, lastRevision } from '../store/edit-log.repo';
import { scenesOfSite } from '../store/site.repo';
import { fieldsOfAssignment, writeFieldDiff } from '../store/task-labels.repo';
import { taskEditor } from '../tasks/task-api';
import { clipToBox } from './clip-imagery';
import { PACKAGE_TABLES, taskHash } from './package-db';

export const PACKAGE_FORMAT = 'fieldmark-package-1';

export interface TakeOptions {
  labellerId: string;
  n: number;
  out: string;
  /** deadline, hours (default: the campaign's offlineTimeoutHours) */
  hours?: number;
  random?: () => number;
}

interface TaskRow {
  id: number;
  site_id: string;
  status: string;
  started_at: string;
  cell: string;
}

export async function takePackage(db: Db, imagery: ImageryCache, o: TakeOptions): Promise<OfflineTakeResult> {
  campaignRules(db); // NOT_FOUND without a campaign
  const who = db.prepare('SELECT id, name, role FROM labellers WHERE id = ?').get(o.labellerId) as { id: string; name: string; role: string } | undefined;
  if (!who) throw new ApiError('NOT_FOUND', `no labeller ${o.labellerId}`);
  if (who.role !== 'labeller') throw new ApiError('BAD_ARGUMENTS', `offline take: ${o.labellerId} is a ${who.role}; packages are for labellers`);
  const { ids, due } = takeTasks(db, o.labellerId, o.n, { ...(o.hours ? { hours: o.hours } : {}), ...(o.random ? { random: o.random } : {}) });
  if (ids.length === 0) throw new ApiError('NOT_FOUND', `offline take: the campaign has no task left for ${o.labellerId}`);
  // The editor's history must explain the stored labels before the revision is recorded (opening a task may log a base).
  const editor = taskEditor(db, new EventHub());
  for (const id of ids) editor.openTask({ userId: o.labellerId, role: 'labeller' }, id);
  const packageId = `P${Date.now().toString(36)}${randomBytes(6).toString('hex')}`;
  const tasks = db
    .prepare(`SELECT a.id, a.site_id, a.status, a.started_at, s.cell FROM assignments a JOIN sites s ON s.id = a.site_id WHERE a.id IN (${ids.map(() => '?').join(',')}) ORDER BY a.id`)
    .all(...ids) as TaskRow[];
  const campaign = currentCampaign(db)!;
  const tmp = `${o.out}.tmp-${randomBytes(4).toString('hex')}`;
  const warnings: string[] = [];
  let sceneCount = 0;
  let revisions = new Map<number, number>();
  const pkg = openDatabase(tmp, { create: true });
  try {
    // Clip first (async), then write everything in one transaction.
    const files: { name: string; data: Buffer }[] = [];
    const scenes: { siteId: string; id: string; rec: ReturnType<typeof scenesOfSite>[number]; file: string; mask: string | null }[] = [];
    for (const t of tasks) {
      const box = contextWindow(bboxOf(JSON.parse(t.cell) as Polygon));
      for (const sc of scenesOfSite(db, t.site_id)) {
        const clip = await clipToBox(imagery, resolveScenePath(db, sc.path), box);
        if (typeof clip === 'string' || clip === null) {
          warnings.push(typeof clip === 'string' ? clip : `scene ${sc.id} does not cover site ${t.site_id}'s context window`);
          continue;
        }
        const id = `${sc.id}.${t.site_id}`.slice(0, 128);
        const file = `${id}.tif`;
        files.push({ name: file, data: clip.bytes });
        let mask: string | null = null;
        if (sc.maskPath) {
          const m = await clipToBox(imagery, resolveScenePath(db, sc.maskPath), box);
          if (m && typeof m !== 'string') {
            mask = `${id}.mask.tif`;
            files.push({ name: mask, data: m.bytes });
          }
        }
        scenes.push({ siteId: t.site_id, id, rec: sc, file, mask });
      }
    }
    sceneCount = scenes.length;
    // One read transaction: each task's labels and revision as of the same moment.
    const snap = new Map(db.transaction(() => tasks.map((t) => [t.id, { fields: fieldsOfAssignment(db, t.id, false), revision: lastRevision(db, t.id) }] as const))());
    revisions = new Map([...snap].map(([id, v]) => [id, v.revision]));
    pkg.exec(PACKAGE_TABLES);
    pkg.transaction(() => {
      const info = pkg.prepare('INSERT INTO package_info (key, value) VALUES (?, ?)');
      for (const [k, v] of Object.entries({ package_id: packageId, campaign_id: campaign.id, labeller_id: o.labellerId, created_at: new Date().toISOString(), due_at: due, format: PACKAGE_FORMAT })) info.run(k, v);
      // Only what the editor needs: the campaign's rules (Q rate, thresholds, weights) stay on the server.
      const settings = { categories: campaign.settings.categories, minFieldAreaM2: campaign.settings.minFieldAreaM2 };
      pkg.prepare('INSERT INTO campaigns (id, name, settings, created_at) VALUES (?, ?, ?, ?)').run(campaign.id, campaign.name, JSON.stringify(settings), new Date().toISOString());
      pkg.prepare("INSERT INTO labellers (id, name, role, created_at) VALUES (?, ?, 'labeller', ?)").run(who.id, who.name, new Date().toISOString());
      const site = pkg.prepare("INSERT INTO sites (id, campaign_id, cls, status, cell, min_lon, min_lat, max_lon, max_lat) VALUES (?, ?, 2, 'open', ?, ?, ?, ?, ?)");
      for (const t of tasks) site.run(t.site_id, campaign.id, t.cell, ...bboxOf(JSON.parse(t.cell) as Polygon));
      const scene = pkg.prepare(
        `INSERT INTO scenes (id, campaign_id, path, mask_path, date, season, kind, crs, width, height, bands, band_roles, min_lon, min_lat, max_lon, max_lat)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const link = pkg.prepare('INSERT INTO site_scenes (site_id, scene_id) VALUES (?, ?)');
      for (const s of scenes) {
        const r = s.rec;
        scene.run(s.id, campaign.id, `package:${s.file}`, s.mask ? `package:${s.mask}` : null, r.date, r.season, r.kind, r.crs, r.width, r.height, r.bands, JSON.stringify(r.bandRoles), ...r.bounds4326);
        link.run(s.siteId, s.id);
      }
      const file = pkg.prepare('INSERT INTO package_files (name, data) VALUES (?, ?)');
      for (const f of files) file.run(f.name, f.data);
      const asg = pkg.prepare("INSERT INTO assignments (id, site_id, labeller_id, status, started_at, due_at, served_as) VALUES (?, ?, ?, 'assigned', ?, ?, 'offline')");
      const ptask = pkg.prepare('INSERT INTO package_tasks (assignment_id, server_revision, base_hash) VALUES (?, ?, ?)');
      for (const t of tasks) {
        asg.run(t.id, t.site_id, o.labellerId, t.started_at, due);
        const { fields, revision } = snap.get(t.id)!;
        const g = Graph.from(fields);
        writeFieldDiff(pkg, t.id, g, g.diff(Graph.from([])));
        appendLog(pkg, t.id, o.labellerId, { type: 'history.base', fields });
        ptask.run(t.id, revision, taskHash(fields, 'assigned'));
      }
    })();
    pkg.pragma('wal_checkpoint(TRUNCATE)');
    pkg.pragma('journal_mode = DELETE');
    pkg.close();
    renameSync(tmp, o.out);
  } catch (e) {
    if (pkg.open) pkg.close();
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`]) rmSync(f, { force: true });
    throw e;
  }
  db.transaction(() => {
    db.prepare('INSERT INTO offline_packages (id, labeller_id, created_at, due_at) VALUES (?, ?, ?, ?)').run(packageId, o.labellerId, new Date().toISOString(), due);
    const t = db.prepare('INSERT INTO offline_tasks (package_id, assignment_id, base_revision) VALUES (?, ?, ?)');
    for (const id of ids) t.run(packageId, id, revisions.get(id)!);
  }).immediate();
  return { packageId, labellerId: o.labellerId, tasks: ids.length, assignmentIds: ids, scenes: sceneCount, bytes: statSync(o.out).size, dueAt: due, warnings };
}
