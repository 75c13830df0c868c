/**
 * A params document from a file, stdin or the editor: JSON, then the shared schema. Failures are
 * usage errors (exit 2) that name the source and every offending field.
 */
import { readFile } from 'node:fs/promises';
import type { Params } from '../shared/params-schema.ts';
import { validateParams } from '../shared/validate-params.ts';
import { UsageError } from './usage-error.ts';

export interface LoadedDocument {
  /** What the user wrote (sent as is; the edge fills in defaults the same way). */
  raw: Record<string, unknown>;
  /** The validated document, every key present. */
  params: Params;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Accepts a bare params document, or a version as printed by `get --json` (its `params`).
 * `check: false` skips the schema (the edge still validates): `params` is then the raw document.
 */
export function parseDocument(text: string, source: string, { check = true }: { check?: boolean } = {}): LoadedDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  const raw = isRecord(json) && isRecord(json.params) && typeof json.version === 'number' ? json.params : json;
  if (!check) {
    if (!isRecord(raw)) throw new UsageError(`${source} is not a JSON object of params`);
    return { raw, params: raw as Params };
  }
  const result = validateParams(raw);
  if (!result.ok) throw new UsageError(`${source} is not a valid params document (nothing was sent)`, result.issues);
  return { raw: raw as Record<string, unknown>, params: result.params };
}

/** A params file given with `flag`, read and validated; an unreadable file is a usage error too. */
export async function loadDocumentFile(path: string, flag: string, options: { check?: boolean } = {}): Promise<LoadedDocument> {
  return parseDocument(await readInputFile(path, flag), path, options);
}

export async function readInputFile(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${flag} ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}
