/**
 * Versioned schema migrations. `PRAGMA user_version` holds the number of migrations applied;
 * each runs in its own transaction. Append only: never edit a migration that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: the foundation schema (campaign, scenes, sites, labellers, assignments, labels, reference).
  `
  CREATE TABLE campaigns (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    settings    TEXT NOT NULL,            -- JSON: categories with groups, weights, q rate, thresholds
    created_at  TEXT NOT NULL
  );
  CREATE TABLE labellers (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('labeller','supervisor','admin')),
    token_hash  TEXT,                     -- sha256 of the sign-in token, NULL for none
    profile     TEXT,                     -- JSON: simulated labeller behaviour (demo), NULL for people
    created_at  TEXT NOT NULL
  );
  CREATE TABLE scenes (
    id          TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    path        TEXT NOT NULL,            -- absolute path or http(s) URL
    mask_path   TEXT,                     -- UDM2-like cloud mask, if any
    date        TEXT NOT NULL,            -- YYYY-MM-DD
    season      TEXT,
    kind        TEXT NOT NULL,
    crs         TEXT NOT NULL,
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    bands       INTEGER NOT NULL,
    band_roles  TEXT NOT NULL,            -- JSON array, e.g. ["blue","green","red","nir"]
    min_lon REAL NOT NULL, min_lat REAL NOT NULL, max_lon REAL NOT NULL, max_lat REAL NOT NULL
  );
  CREATE TABLE sites (
    id          TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    cls         INTEGER NOT NULL CHECK (cls IN (1,2,4)),
    status      TEXT NOT NULL DEFAULT 'open',
    cell        TEXT NOT NULL,            -- GeoJSON Polygon, EPSG:4326
    min_lon REAL NOT NULL, min_lat REAL NOT NULL, max_lon REAL NOT NULL, max_lat REAL NOT NULL
  );
  CREATE INDEX sites_campaign ON sites(campaign_id, cls);
  CREATE TABLE site_scenes (
    site_id  TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    scene_id TEXT NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
    PRIMARY KEY (site_id, scene_id)
  ) WITHOUT ROWID;
  CREATE TABLE assignments (
    id           INTEGER PRIMARY KEY,
    site_id      TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    labeller_id  TEXT NOT NULL REFERENCES labellers(id),
    status       TEXT NOT NULL CHECK (status IN ('assigned','submitted','approved','rejected','untrusted','returned','abandoned')),
    started_at   TEXT NOT NULL,
    submitted_at TEXT,
    UNIQUE (site_id, labeller_id)
  );
  CREATE INDEX assignments_labeller ON assignments(labeller_id);
  CREATE TABLE labels (
    id            INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    category      TEXT NOT NULL,
    geometry      TEXT NOT NULL,          -- GeoJSON Polygon/MultiPolygon, EPSG:4326
    provenance    TEXT NOT NULL CHECK (provenance IN ('drawn','suggested','imported','simulated')),
    created_at    TEXT NOT NULL
  );
  CREATE INDEX labels_assignment ON labels(assignment_id);
  CREATE VIRTUAL TABLE labels_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat);
  CREATE TABLE reference_labels (
    id         INTEGER PRIMARY KEY,
    site_id    TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    category   TEXT NOT NULL,
    geometry   TEXT NOT NULL,
    source     TEXT NOT NULL,             -- 'expert', 'imported', 'demo-truth'
    created_at TEXT NOT NULL
  );
  CREATE INDEX reference_site ON reference_labels(site_id);
  CREATE TABLE truth_fields (             -- demo only: the fields the generator drew (known truth)
    id          TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    crop        TEXT NOT NULL,
    area_ha     REAL NOT NULL,
    geometry    TEXT NOT NULL
  );
  `,
  // 2: edit log, reviews, scores, consensus results, spatial index of reference labels.
  `
  CREATE TABLE edit_log (
    id            INTEGER PRIMARY KEY,
    assignment_id INTEGER REFERENCES assignments(id) ON DELETE CASCADE,
    labeller_id   TEXT REFERENCES labellers(id),
    at            TEXT NOT NULL,
    command       TEXT NOT NULL,          -- JSON: the serialised editor command {type, ...}
    suggestion_id TEXT                    -- the suggestion a command accepted/rejected, if any
  );
  CREATE INDEX edit_log_assignment ON edit_log(assignment_id, id);
  CREATE TABLE reviews (
    id            INTEGER PRIMARY KEY,
    assignment_id INTEGER NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    reviewer_id   TEXT REFERENCES labellers(id),
    rating        INTEGER NOT NULL CHECK (rating BETWEEN 0 AND 4),  -- DOMAIN.md rubric; 2-4 pass
    comment       TEXT,
    at            TEXT NOT NULL
  );
  CREATE INDEX reviews_assignment ON reviews(assignment_id);
  CREATE TABLE scores (                   -- one row per scored Class 1 assignment
    assignment_id INTEGER PRIMARY KEY REFERENCES assignments(id) ON DELETE CASCADE,
    computed_at   TEXT NOT NULL,
    score         REAL NOT NULL,
    area          REAL NOT NULL,
    fragmentation REAL NOT NULL,
    edge          REAL NOT NULL,
    legacy_edge   REAL NOT NULL,
    categorical   REAL NOT NULL,
    field_skill   REAL NOT NULL,
    no_field_skill REAL NOT NULL,
    metrics       TEXT NOT NULL           -- JSON: every other metric of the compare output
  );
  CREATE TABLE consensus_results (        -- one row per Class 4 site and method
    site_id        TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
    method         TEXT NOT NULL CHECK (method IN ('bayes','staple','majority')),
    computed_at    TEXT NOT NULL,
    mean_risk      REAL NOT NULL,
    risky_fraction REAL NOT NULL,
    risk_path      TEXT,                  -- float32 COG of per-pixel risk, relative to the db folder
    consensus      TEXT NOT NULL,         -- GeoJSON MultiPolygon of the consensus fields
    details        TEXT NOT NULL,         -- JSON: iterations, sensitivity/specificity, notes
    PRIMARY KEY (site_id, method)
  ) WITHOUT ROWID;
  CREATE VIRTUAL TABLE reference_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat);
  `,
  // 3: spatial index of the sites' cells (import attaches features to the cell they touch).
  // Sites have TEXT keys, so the R*Tree gets its own ids and carries the site id as an
  // auxiliary column; triggers keep it in step with every writer of `sites`.
  `
  CREATE VIRTUAL TABLE sites_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat, +site_id TEXT);
  INSERT INTO sites_rtree (id, min_lon, max_lon, min_lat, max_lat, site_id)
    SELECT NULL, min_lon, max_lon, min_lat, max_lat, id FROM sites;
  CREATE TRIGGER sites_rtree_insert AFTER INSERT ON sites BEGIN
    INSERT INTO sites_rtree (id, min_lon, max_lon, min_lat, max_lat, site_id)
    VALUES (NULL, NEW.min_lon, NEW.max_lon, NEW.min_lat, NEW.max_lat, NEW.id);
  END;
  CREATE TRIGGER sites_rtree_update AFTER UPDATE OF id, min_lon, min_lat, max_lon, max_lat ON sites BEGIN
    DELETE FROM sites_rtree WHERE site_id = OLD.id;
    INSERT INTO sites_rtree (id, min_lon, max_lon, min_lat, max_lat, site_id)
    VALUES (NULL, NEW.min_lon, NEW.max_lon, NEW.min_lat, NEW.max_lat, NEW.id);
  END;
  CREATE TRIGGER sites_rtree_delete AFTER DELETE ON sites BEGIN
    DELETE FROM sites_rtree WHERE site_id = OLD.id;
  END;
  -- Deleted labels (also through ON DELETE CASCADE) leave no stale R*Tree rows behind.
  CREATE TRIGGER labels_rtree_delete AFTER DELETE ON labels BEGIN
    DELETE FROM labels_rtree WHERE id = OLD.id;
  END;
  CREATE TRIGGER reference_rtree_delete AFTER DELETE ON reference_labels BEGIN
    DELETE FROM reference_rtree WHERE id = OLD.id;
  END;
  `,
  // 4: the editor (issue 5). Labels carry the editor's stable field key within their assignment
  // (client-made for new fields, 'L<id>' for labels written before) and a comment; edit_log rows
  // of an assignment are its history (a 'history.base' snapshot, then commands, undo, redo).
  `
  ALTER TABLE labels ADD COLUMN field_key TEXT;
  ALTER TABLE labels ADD COLUMN comment TEXT NOT NULL DEFAULT '';
  CREATE UNIQUE INDEX labels_field_key ON labels(assignment_id, field_key);
  CREATE INDEX assignments_status ON assignments(status, labeller_id, started_at);
  `,
  // 5: campaigns, accounts, scheduling and offline work (issue 8; src/node/auth, campaign, offline).
  // Qualification sites are Class 1 sites listed in their own table (the sites CHECK stays 1/2/4):
  // they have reference labels and are scored like any Class 1 site, but are served only as the
  // qualification test. Deadlines are per assignment: NULL (imported, demo) never falls due.
  `
  ALTER TABLE labellers ADD COLUMN password_hash TEXT;           -- scrypt, see src/node/auth/passwords.ts
  ALTER TABLE labellers ADD COLUMN qualification TEXT CHECK (qualification IN ('passed','failed'));  -- staff override
  CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,                                -- sha256 of the session token
    labeller_id TEXT NOT NULL REFERENCES labellers(id) ON DELETE CASCADE,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE INDEX sessions_labeller ON sessions(labeller_id);
  CREATE TABLE qualification_sites (
    site_id  TEXT PRIMARY KEY REFERENCES sites(id) ON DELETE CASCADE,
    position INTEGER NOT NULL
  ) WITHOUT ROWID;
  ALTER TABLE assignments ADD COLUMN due_at TEXT;                -- still 'assigned' after this: abandoned
  ALTER TABLE assignments ADD COLUMN served_as TEXT;             -- 'qualification' | 'q' | 'work'; NULL: not by the scheduler
  CREATE INDEX assignments_due ON assignments(due_at) WHERE status = 'assigned';
  CREATE INDEX assignments_site_status ON assignments(site_id, status);
  CREATE TABLE offline_packages (
    id          TEXT PRIMARY KEY,
    labeller_id TEXT NOT NULL REFERENCES labellers(id),
    created_at  TEXT NOT NULL,
    due_at      TEXT NOT NULL,
    returned_at TEXT
  );
  CREATE TABLE offline_tasks (
    package_id        TEXT NOT NULL REFERENCES offline_packages(id) ON DELETE CASCADE,
    assignment_id     INTEGER NOT NULL REFERENCES assignments(id) ON DELETE CASCADE,
    base_revision     INTEGER NOT NULL,                          -- the task's edit-log revision when taken
    imported_revision INTEGER,                                   -- its revision right after this package was imported
    imported_hash     TEXT,                                      -- sha256 of the imported state (idempotence)
    PRIMARY KEY (package_id, assignment_id)
  ) WITHOUT ROWID;
  CREATE INDEX offline_tasks_assignment ON offline_tasks(assignment_id);
  -- maps of a site that count or are in progress (status assigned / submitted / approved), kept by
  -- triggers: the scheduler finds the site with the fewest remaining maps through an index
  ALTER TABLE sites ADD COLUMN active_maps INTEGER NOT NULL DEFAULT 0;
  UPDATE sites SET active_maps = (SELECT count(*) FROM assignments a WHERE a.site_id = sites.id AND a.status IN ('assigned','submitted','approved'));
  CREATE INDEX sites_work ON sites(campaign_id, cls, status, active_maps);
  CREATE TRIGGER assignments_active_insert AFTER INSERT ON assignments WHEN NEW.status IN ('assigned','submitted','approved') BEGIN
    UPDATE sites SET active_maps = active_maps + 1 WHERE id = NEW.site_id;
  END;
  CREATE TRIGGER assignments_active_delete AFTER DELETE ON assignments WHEN OLD.status IN ('assigned','submitted','approved') BEGIN
    UPDATE sites SET active_maps = active_maps - 1 WHERE id = OLD.site_id;
  END;
  CREATE TRIGGER assignments_active_update AFTER UPDATE OF status, site_id ON assignments BEGIN
    UPDATE sites SET active_maps = active_maps - (OLD.status IN ('assigned','submitted','approved')) WHERE id = OLD.site_id;
    UPDATE sites SET active_maps = active_maps + (NEW.status IN ('assigned','submitted','approved')) WHERE id = NEW.site_id;
  END;
  `,
];
