/**
 * The schema registry: for every API method, the zod schema of its argument tuple and the roles
 * that may call it. `dispatch` validates every call against it, whatever the transport.
 */
import { z } from 'zod';
import type { MethodName, Role } from './contract';
import { areaGeometrySchema, fieldNameSchema, labelFilePathSchema } from './geometry-schema';
import { TASK_METHODS } from './task-schemas';
import { SUGGEST_METHODS } from './suggest-schemas';
import { CAMPAIGN_METHODS } from './campaign-schemas';

const ALL: Role[] = ['labeller', 'supervisor', 'admin'];
const STAFF: Role[] = ['supervisor', 'admin'];

/** Ids are short printable strings: no control characters, no path tricks. */
export const idSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9_.:-]+$/, 'may contain only letters, digits and _ . : -');

const siteClass = z.union([z.literal(1), z.literal(2), z.literal(4)]);
const consensusMethod = z.enum(['bayes', 'staple', 'majority']);

export interface MethodSpec {
  args: z.ZodTuple;
  roles: Role[];
  summary: string;
  /** Answered without a token in network mode (signIn only). */
  public?: boolean;
}

export const METHODS = {
  getAppInfo: { args: z.tuple([]), roles: ALL, summary: 'Version, the open campaign and who you are.' },
  listSites: {
    args: z.tuple([z.strictObject({ cls: siteClass.optional() }).optional()]),
    roles: ALL,
    summary: 'Sites of the campaign, optionally of one class.',
  },
  getSite: { args: z.tuple([idSchema]), roles: ALL, summary: 'One site with its scenes and assignments.' },
  listLabels: {
    args: z.tuple([
      idSchema,
      z
        .strictObject({
          assignmentId: z.number().int().positive().optional(),
          labellerId: idSchema.optional(),
        })
        .optional(),
    ]),
    roles: ALL,
    summary: "Labels of a site (a labeller sees only their own).",
  },
  listLabellers: { args: z.tuple([]), roles: STAFF, summary: 'Every labeller with their assignment count.' },
  getSceneInfo: { args: z.tuple([idSchema]), roles: ALL, summary: "A scene's GeoTIFF header." },
  listLabellerQuality: { args: z.tuple([]), roles: STAFF, summary: 'Every labeller with running quality, trust and pooled skills.' },
  getLabellerHistory: { args: z.tuple([idSchema]), roles: ALL, summary: "A labeller's Class 1 score history and breakdowns (a labeller: only their own)." },
  listSiteRisk: {
    args: z.tuple([z.strictObject({ method: consensusMethod.optional() }).optional()]),
    roles: STAFF,
    summary: 'Class 4 sites with consensus figures, riskiest first.',
  },
  getConsensus: { args: z.tuple([idSchema, consensusMethod.optional()]), roles: STAFF, summary: "A site's consensus polygons, risk figures and weights." },
  getMyFeedback: {
    args: z.tuple([z.number().int().positive()]),
    roles: ALL,
    summary: 'A submitted Class 1 map against the reference, with its scores (a labeller: only their own).',
  },
  addLabel: {
    args: z.tuple([z.number().int().positive(), z.strictObject({ geometry: areaGeometrySchema, category: idSchema })]),
    roles: STAFF,
    summary: 'Adds one polygon to an assignment (committed before the answer; logged in the edit log).',
  },
  importLabels: {
    args: z.tuple([
      labelFilePathSchema,
      z
        .strictObject({
          labeller: idSchema.optional(),
          labellerField: fieldNameSchema.optional(),
          createLabeller: z.boolean().optional(),
          reference: z.boolean().optional(),
          site: idSchema.optional(),
          siteField: fieldNameSchema.optional(),
          layer: fieldNameSchema.optional(),
          category: idSchema.optional(),
          categoryField: fieldNameSchema.optional(),
          strict: z.boolean().optional(),
        })
        .optional(),
    ]),
    roles: STAFF,
    summary: 'Imports a label file on the machine running Fieldmark into the campaign, all or nothing.',
  },
  addScene: {
    args: z.tuple([
      z
        .string()
        .min(1, 'must not be empty')
        .max(4096, 'must be at most 4096 characters')
        .refine((p) => !/[\u0000-\u001f]/.test(p), 'must not contain control characters'),
      z.strictObject({
        date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
        bandRoles: z.array(z.string().min(1).max(32)).min(1).max(64).optional(),
        maskPath: z.string().min(1).max(4096).refine((p) => !/[\u0000-\u001f]/.test(p), 'must not contain control characters').optional(),
        season: z.string().min(1).max(32).optional(),
        kind: idSchema.optional(),
        id: idSchema.optional(),
      }),
    ]),
    roles: STAFF,
    summary: 'Adds a GeoTIFF / COG (path or URL) with its date and band roles to the scene catalog, after checking the file.',
  },
  // The editor's methods (issue 5): task-schemas.ts.
  ...TASK_METHODS,
  // The suggestion methods (issue 6): suggest-schemas.ts.
  ...SUGGEST_METHODS,
  // Campaigns, accounts, scheduling and review (issue 8): campaign-schemas.ts.
  ...CAMPAIGN_METHODS,
} satisfies Record<MethodName, MethodSpec>;

export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(METHODS, name);
}
