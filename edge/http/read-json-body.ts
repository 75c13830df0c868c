/**
 * Reads a request body as JSON under the edge's input rules, so garbage always ends as a 4xx:
 * 415 unless the content type is JSON, 413 past `MAX_BODY_BYTES` (checked on Content-Length *and*
 * on the bytes actually read: a client may lie or stream), 400 for bytes that are not UTF-8 JSON
 * (NaN and Infinity literals are not JSON), 400 for nesting deeper than `MAX_DEPTH` (a flat params
 * document needs two levels; deep values would make later stringification overflow the stack).
 */
import { MAX_BODY_BYTES } from '../../shared/api.ts';
import { readCappedBytes } from '../../shared/read-capped-bytes.ts';
import { ApiError } from '../errors/api-error.ts';

export const MAX_DEPTH = 16;

function tooLarge(): ApiError {
  return new ApiError({
    status: 413,
    code: 'payload_too_large',
    message: `request body exceeds ${MAX_BODY_BYTES} bytes (16 KiB)`,
  });
}

function isJsonContentType(header: string | null): boolean {
  const type = (header ?? '').split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

async function readLimited(request: Request): Promise<Uint8Array> {
  const read = await readCappedBytes(request, MAX_BODY_BYTES);
  if (read.kind === 'too-large') throw tooLarge();
  return read.bytes;
}

/** Depth of nested arrays/objects, computed without recursion (the input is untrusted). */
export function jsonDepth(value: unknown): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    const level = depth + 1;
    if (level > max) max = level;
    if (max > MAX_DEPTH) return max;
    for (const child of Object.values(node)) stack.push([child, level]);
  }
  return max;
}

export async function readJsonBody(request: Request): Promise<unknown> {
  if (!isJsonContentType(request.headers.get('Content-Type'))) {
    throw new ApiError({
      status: 415,
      code: 'unsupported_media_type',
      message: `Content-Type must be application/json, got ${JSON.stringify(request.headers.get('Content-Type') ?? '(none)')}`,
    });
  }
  const bytes = await readLimited(request);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new ApiError({ status: 400, code: 'invalid_json', message: 'request body is not valid UTF-8' });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'nesting too deep';
    throw new ApiError({ status: 400, code: 'invalid_json', message: `request body is not valid JSON: ${reason}` });
  }
  if (jsonDepth(value) > MAX_DEPTH) {
    throw new ApiError({ status: 400, code: 'bad_request', message: `request body nests deeper than ${MAX_DEPTH} levels` });
  }
  return value;
}
