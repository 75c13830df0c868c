/**
 * Parsing an answer body with a shared schema: the client's trust boundary. Anything that is not
 * what the API promises becomes a `BadResponseError` that names the URL and the offending field.
 */
import type { z } from 'zod';
import { BadResponseError } from './edge-errors.ts';
import type { EdgeAnswer } from './edge-request.ts';

export function parseAnswer<S extends z.ZodType>(schema: S, { text, url, status }: EdgeAnswer): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BadResponseError('bad-response', `answer from ${url} is not JSON: ${text.slice(0, 120)}`, { status });
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(body)';
    throw new BadResponseError(
      'bad-response',
      `answer from ${url} has an unexpected shape at ${where}: ${issue?.message ?? 'invalid'}`,
      { status },
    );
  }
  return result.data;
}
