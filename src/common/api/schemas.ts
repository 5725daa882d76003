/**
 * The schema registry: for every API method, the zod schema of its argument tuple and the roles
 * that may call it. `dispatch` validates every call against it, whatever the transport.
 */
import { z } from 'zod';
import type { MethodName, Role } from './contract';

const ALL: Role[] = ['labeller', 'supervisor', 'admin'];
const STAFF: Role[] = ['supervisor', 'admin'];

/** Ids are short printable strings: no control characters, no path tricks. */
export const idSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9_.:-]+$/, 'may contain only letters, digits and _ . : -');

const siteClass = z.union([z.literal(1), z.literal(2), z.literal(4)]);

export interface MethodSpec {
  args: z.ZodTuple;
  roles: Role[];
  summary: string;
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
} satisfies Record<MethodName, MethodSpec>;

export const METHOD_NAMES = Object.keys(METHODS) as MethodName[];

export function isMethodName(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(METHODS, name);
}
