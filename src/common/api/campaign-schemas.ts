/**
 * zod schemas and roles of the campaign methods (campaign-contract.ts). `public: true` marks the
 * one method a network server answers without a token (signIn).
 */
import { z } from 'zod';
import { areaGeometrySchema } from './geometry-schema';

type Role = 'labeller' | 'supervisor' | 'admin';
const ALL: Role[] = ['labeller', 'supervisor', 'admin'];
const STAFF: Role[] = ['supervisor', 'admin'];

const id = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9_.:-]+$/, 'may contain only letters, digits and _ . : -');
const role = z.enum(['labeller', 'supervisor', 'admin']);
const userName = z
  .string()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .refine((s) => !/[\u0000-\u001f]/.test(s) && s.trim() === s, 'must not contain control characters or leading/trailing spaces');
const password = z.string().min(8, 'must be at least 8 characters').max(256, 'must be at most 256 characters');
const share = z.number().min(0).max(1);
const lon = z.number().min(-180, 'longitude below -180').max(180, 'longitude above 180');
const lat = z.number().min(-90, 'latitude below -90').max(90, 'latitude above 90');
const siteClass = z.union([z.literal(1), z.literal(2), z.literal(4)]);
const serverPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !/[\u0000-\u001f]/.test(p), 'must not contain control characters')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), 'must be an absolute path')
  .refine((p) => /\.(geojson|json|csv)$/i.test(p), 'must name a .geojson, .json or .csv file');

export const settingsSchema = z.strictObject({
  categories: z
    .array(z.strictObject({ id, group: z.enum(['field', 'no_field']) }))
    .min(1, 'a campaign needs at least one category')
    .max(64)
    .refine((c) => new Set(c.map((x) => x.id)).size === c.length, 'category ids must be unique')
    .refine((c) => c.some((x) => x.group === 'field'), 'at least one category must be in the field group')
    .optional(),
  weights: z
    .strictObject({ area: share, fragmentation: share, edge: share, categorical: share })
    .refine((w) => w.area + w.fragmentation + w.edge + w.categorical > 0, 'weights must not all be 0')
    .optional(),
  qRate: share.optional(),
  trustThreshold: z.number().min(-1).max(1).optional(),
  rejectBelow: share.optional(),
  minFieldAreaM2: z.number().min(0).max(1e7).optional(),
  labellersPerClass4: z.number().int().min(2).max(50).optional(),
  qualificationPassScore: share.optional(),
  taskTimeoutHours: z.number().min(0.01).max(24 * 365).optional(),
  offlineTimeoutHours: z.number().min(0.01).max(24 * 365).optional(),
});

const bbox = z.tuple([lon, lat, lon, lat]).refine(([a, b, c, d]) => a < c && b < d, 'must be [minLon, minLat, maxLon, maxLat] with min < max');

const siteArea = z.union([
  z.strictObject({ bbox }),
  z.strictObject({ polygon: areaGeometrySchema }),
  z.strictObject({ centres: z.array(z.tuple([lon, lat])).min(1).max(100_000) }),
  z.strictObject({ file: serverPath }),
]);

export const CAMPAIGN_METHODS = {
  signIn: {
    args: z.tuple([userName, z.string().min(1).max(256)]),
    roles: ALL,
    public: true,
    summary: 'Signs in with a name (or id) and password: a session token with its expiry. The only method usable without a token.',
  },
  signOut: { args: z.tuple([]), roles: ALL, summary: "Ends the caller's session." },
  whoAmI: { args: z.tuple([]), roles: ALL, summary: 'The caller: id, name, role, session expiry and qualification.' },
  addUser: {
    args: z.tuple([z.strictObject({ name: userName, role, id: id.optional(), password: password.optional() })]),
    roles: STAFF,
    summary: 'Creates an account with a static token (shown once); a supervisor may add labellers only.',
  },
  setPassword: { args: z.tuple([id, password]), roles: ALL, summary: "Sets a password (admin: anyone's; a supervisor: labellers'; others: their own)." },
  setQualification: {
    args: z.tuple([id, z.enum(['passed', 'failed', 'computed'])]),
    roles: STAFF,
    summary: "Passes or fails a labeller's qualification by hand, or returns to the computed state.",
  },
  createCampaign: {
    args: z.tuple([z.strictObject({ id: id.optional(), name: userName, settings: settingsSchema.optional() })]),
    roles: STAFF,
    summary: 'Creates the campaign of this database (one campaign per database file).',
  },
  getCampaign: { args: z.tuple([]), roles: STAFF, summary: 'The campaign with its settings and site counts.' },
  updateCampaign: {
    args: z.tuple([settingsSchema.extend({ name: userName.optional() })]),
    roles: STAFF,
    summary: "Changes the campaign's name or settings.",
  },
  addSites: {
    args: z.tuple([
      z
        .strictObject({
          area: siteArea,
          country: z.string().regex(/^[A-Z]{2}$/, 'a two-letter country code in capitals'),
          cls: siteClass.optional(),
          shares: z.strictObject({ q: share.optional(), n: share.optional() }).refine((s) => (s.q ?? 0) + (s.n ?? 0) <= 1, 'shares must sum to at most 1').optional(),
          seed: z.number().int().min(0).max(2 ** 31).optional(),
          qualification: z.boolean().optional(),
          maxSites: z.number().int().min(1).max(1_000_000).optional(),
        })
        .refine((s) => !(s.cls !== undefined && s.shares !== undefined), 'give cls or shares, not both')
        .refine((s) => !s.qualification || s.cls === undefined || s.cls === 1, 'qualification sites are Class 1'),
    ]),
    roles: STAFF,
    summary: 'Adds sites: 0.005-degree cells over a box, polygon or file, or the cells of given centres; ids CC + 7 digits.',
  },
  setQualificationSet: {
    args: z.tuple([z.array(id).max(100)]),
    roles: STAFF,
    summary: 'The qualification set: Class 1 sites, in order (replaces the previous set).',
  },
  listReferenceLabels: { args: z.tuple([id]), roles: STAFF, summary: "A site's reference labels (staff only)." },
  listReviewQueue: {
    args: z.tuple([
      z
        .strictObject({ includeReviewed: z.boolean().optional(), kind: z.enum(['site', 'assignment']).optional(), limit: z.number().int().min(1).max(10_000).optional() })
        .optional(),
    ]),
    roles: STAFF,
    summary: 'Work to review, riskiest first: Class 4 sites by consensus risk, Class 1/2 maps by score and trust.',
  },
  reviewAssignment: {
    args: z.tuple([
      z.number().int().positive(),
      z.strictObject({
        rating: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3), z.literal(4)]),
        comment: z.string().max(2000).optional(),
      }),
    ]),
    roles: STAFF,
    summary: 'Rates a submitted map 0-4 (2-4 pass): approved or rejected, recorded in the labeller\'s review figures.',
  },
  listReviews: {
    args: z.tuple([z.strictObject({ assignmentId: z.number().int().positive().optional(), labellerId: id.optional(), siteId: id.optional() }).optional()]),
    roles: STAFF,
    summary: 'Reviews, newest first, of an assignment, labeller or site.',
  },
  listLabellerTable: { args: z.tuple([]), roles: STAFF, summary: 'Every labeller: tasks, returns, score, running quality and its trend, trust, reviews, qualification.' },
  listSiteTable: {
    args: z.tuple([
      z
        .strictObject({ cls: siteClass.optional(), state: z.enum(['open', 'in_progress', 'complete', 'quality_control', 'closed']).optional() })
        .optional(),
    ]),
    roles: STAFF,
    summary: 'Every site: class, state, maps needed / counted / pending, consensus risk.',
  },
};
