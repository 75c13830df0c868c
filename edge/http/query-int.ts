/** Integer query and path parameters: absent → the default, anything else must be an integer in range (400). */
import { badRequest } from '../errors/api-error.ts';

export function parseIntParam(
  name: string,
  raw: string | undefined,
  { min, max, fallback }: { min: number; max: number; fallback?: number },
): number {
  if (raw === undefined || raw === '') {
    if (fallback !== undefined) return fallback;
    throw badRequest(`${name} is required: an integer in [${min}, ${max}]`);
  }
  const value = /^[0-9]{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw badRequest(`${name} = ${JSON.stringify(raw)} is not accepted: expected an integer in [${min}, ${max}]`);
  return value;
}
