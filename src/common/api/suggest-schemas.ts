/** zod schemas of the suggestion methods (suggest-contract.ts). */
import { z } from 'zod';
import type { Role } from './contract';

const ALL: Role[] = ['labeller', 'supervisor', 'admin'];
const STAFF: Role[] = ['supervisor', 'admin'];

const sceneId = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9_.:-]+$/, 'may contain only letters, digits and _ . : -');
const modelId = z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/, 'a model id is 1-128 letters, digits or _ . -');
const lon = z.number().min(-180, 'longitude below -180').max(180, 'longitude above 180');
const lat = z.number().min(-90, 'latitude below -90').max(90, 'latitude above 90');
const bbox = z
  .tuple([lon, lat, lon, lat])
  .refine(([a, b, c, d]) => a < c && b < d, 'must be [minLon, minLat, maxLon, maxLat] with min < max');

export const SUGGEST_METHODS = {
  suggestAt: {
    args: z.tuple([
      sceneId,
      z
        .strictObject({
          lon: lon.optional(),
          lat: lat.optional(),
          negatives: z.array(z.tuple([lon, lat])).max(50).optional(),
          box: bbox.optional(),
          model: modelId.optional(),
          vertexBudget: z.number().int().min(4).max(10_000).optional(),
          otherDates: z.boolean().optional(),
        })
        .refine((p) => (p.lon === undefined) === (p.lat === undefined), 'give both lon and lat, or neither')
        .refine((p) => p.lon !== undefined || p.box !== undefined, 'a click (lon, lat) or a box is needed'),
    ]),
    roles: ALL,
    summary: 'The field polygon at a click (and/or in a box) on a scene, with its score and provenance (model, provider, prompt).',
  },
  proposeView: {
    args: z.tuple([
      sceneId,
      bbox,
      z
        .strictObject({
          model: modelId.optional(),
          max: z.number().int().min(1).max(2000).optional(),
          assignmentId: z.number().int().positive().optional(),
          maxOverlap: z.number().min(0).max(1).optional(),
          otherDates: z.boolean().optional(),
        })
        .optional(),
    ]),
    roles: ALL,
    summary: 'Every field in a view, best first, without those already mapped or below the campaign minimum area.',
  },
  getSuggestionInfo: { args: z.tuple([]), roles: ALL, summary: 'The suggestion models, the active one and the execution provider it runs on.' },
  suggestionTelemetry: {
    args: z.tuple([]),
    roles: STAFF,
    summary: 'Suggestion telemetry from the edit log, per labeller and per model: accepted as is, accepted after edits (vertex shift), deleted, rejected, median time to decision.',
  },
  retrainSuggestionModel: {
    args: z.tuple([z.strictObject({ model: modelId.optional() }).optional()]),
    roles: STAFF,
    summary: "Retrains the boundary model on the campaign's accepted labels; adopted only when it beats the current one on held-out sites.",
  },
};
