/** The JSON Schema of the params document, generated from the zod schema (served at /v1/schema). */
import { z } from 'zod';
import { ParamsSchema } from './params-schema.ts';

let cached: Record<string, unknown> | undefined;

/** Input-side schema: every key optional (defaults apply), no additional properties. */
export function paramsJsonSchema(): Record<string, unknown> {
  cached ??= {
    ...z.toJSONSchema(ParamsSchema, { io: 'input', target: 'draft-2020-12' }),
    $id: 'https://livetune.dev/schema/params.json',
    title: 'livetune params document',
  };
  return cached;
}
