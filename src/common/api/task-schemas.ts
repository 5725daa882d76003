/**
 * zod schemas of the editor's methods: every edit command is checked for shape before it reaches
 * the service. Geometry: [lon, lat] pairs of finite numbers in range, rings closed with at least
 * 4 positions, sizes bounded. (Validity beyond shape, e.g. a bow-tie, is the command's to refuse.)
 */
import { z } from 'zod';
import type { Role } from './contract';

const ALL: Role[] = ['labeller', 'supervisor', 'admin'];

export const MAX_EDIT_RING = 10_000;
export const MAX_EDIT_RINGS = 200;
export const MAX_BATCH = 200;

const fieldId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'a field id is 1-64 letters, digits or _ . : -');
const categoryId = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9_.:-]+$/, 'may contain only letters, digits and _ . : -');
const lon = z.number().min(-180, 'longitude below -180').max(180, 'longitude above 180');
const lat = z.number().min(-90, 'latitude below -90').max(90, 'latitude above 90');
const xy = z.tuple([lon, lat]);
const delta = z.tuple([z.number().min(-1).max(1), z.number().min(-1).max(1)]);
const ids = z.array(fieldId).min(1, 'name at least one field').max(10_000);
const trim = z.number().min(0).max(100).optional();
const index = z.number().int().min(0).max(MAX_EDIT_RING);
const ringIndex = z.number().int().min(0).max(MAX_EDIT_RINGS);

export const editRingSchema = z
  .array(xy)
  .min(4, 'a ring needs at least 4 positions (3 vertices and the closing one)')
  .max(MAX_EDIT_RING, `a ring may hold at most ${MAX_EDIT_RING} positions`)
  .refine((r) => r[0]![0] === r[r.length - 1]![0] && r[0]![1] === r[r.length - 1]![1], 'ring is not closed (first and last positions differ)');

export const editPolygonSchema = z.strictObject({
  type: z.literal('Polygon'),
  coordinates: z.array(editRingSchema).min(1, 'a polygon needs an exterior ring').max(MAX_EDIT_RINGS),
});

const line = z.array(xy).min(2, 'a line needs at least 2 points').max(MAX_EDIT_RING);

const suggestionMeta = z
  .strictObject({
    sceneId: categoryId,
    otherSceneIds: z.array(categoryId).max(16).optional(),
    model: categoryId,
    version: z.string().max(64),
    provider: z.string().max(64),
    prompt: z.strictObject({
      lon: lon.optional(),
      lat: lat.optional(),
      negatives: z.array(xy).max(50).optional(),
      box: z.tuple([lon, lat, lon, lat]).optional(),
    }),
    score: z.number().min(0).max(1).optional(),
    decisionMs: z.number().min(0).max(1e9),
  })
  .optional();

const simpleOptions = [
  z.strictObject({
    type: z.literal('field.add'),
    id: fieldId,
    geometry: editPolygonSchema,
    category: categoryId,
    comment: z.string().max(2000).optional(),
    provenance: z.enum(['drawn', 'suggested']).optional(),
    suggestionId: categoryId.optional(),
    suggestion: suggestionMeta,
    trim,
  }),
  z.strictObject({ type: z.literal('field.delete'), ids }),
  z.strictObject({ type: z.literal('vertex.move'), id: fieldId, ring: ringIndex, index, to: xy, shared: z.boolean().optional(), trim }),
  z.strictObject({ type: z.literal('vertex.insert'), id: fieldId, ring: ringIndex, index, at: xy, trim }),
  z.strictObject({ type: z.literal('vertex.delete'), id: fieldId, ring: ringIndex, index, shared: z.boolean().optional() }),
  z.strictObject({ type: z.literal('field.move'), ids, delta, trim }),
  z.strictObject({ type: z.literal('hole.add'), id: fieldId, ring: editRingSchema }),
  z.strictObject({ type: z.literal('field.split'), id: fieldId, line, newId: fieldId }),
  z.strictObject({ type: z.literal('fields.merge'), ids: ids.min(2, 'merging needs at least 2 fields') }),
  z.strictObject({ type: z.literal('field.reshape'), id: fieldId, path: line, trim }),
  z.strictObject({ type: z.literal('field.setCategory'), ids, category: categoryId }),
  z.strictObject({ type: z.literal('field.setComment'), id: fieldId, comment: z.string().max(2000) }),
  z.strictObject({ type: z.literal('field.replace'), id: fieldId, geometry: editPolygonSchema }),
  z.strictObject({ type: z.literal('field.trim'), id: fieldId, tolM: z.number().min(0).max(100) }),
  z.strictObject({ type: z.literal('suggestion.reject'), suggestionId: categoryId, suggestion: suggestionMeta }),
] as const;
const simpleCommand = z.discriminatedUnion('type', simpleOptions);

export const editCommandSchema = z.discriminatedUnion('type', [
  ...simpleOptions,
  z.strictObject({
    type: z.literal('batch'),
    commands: z.array(simpleCommand).min(1, 'an empty batch').max(MAX_BATCH),
    annotation: z.string().max(200).optional(),
  }),
]);

const assignmentId = z.number().int().positive();
const revision = z.number().int().min(0);

export const TASK_METHODS = {
  nextTask: { args: z.tuple([]), roles: ALL, summary: "Opens the caller's oldest open task (null when none)." },
  openTask: { args: z.tuple([assignmentId]), roles: ALL, summary: "A task's editable state: site, categories, base map and history (a labeller: only their own)." },
  editTask: {
    args: z.tuple([assignmentId, revision, editCommandSchema]),
    roles: ALL,
    summary: 'Applies one edit command to a task (stale revision: CONFLICT); stored with its edit-log entry in one transaction.',
  },
  undoTask: { args: z.tuple([assignmentId, revision]), roles: ALL, summary: "Undoes the task's last edit (logged)." },
  redoTask: { args: z.tuple([assignmentId, revision]), roles: ALL, summary: "Redoes the task's next edit (logged)." },
  submitTask: { args: z.tuple([assignmentId, revision]), roles: ALL, summary: 'Submits a task; refused with the error-level issues while any rule fails.' },
  returnTask: {
    args: z.tuple([assignmentId, z.string().max(500).optional()]),
    roles: ALL,
    summary: "Returns a task unfinished (counts against the labeller's return rate).",
  },
};
