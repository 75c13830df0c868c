/**
 * Concurrent writers against a real `wrangler dev`: 20 writers make 25 write attempts each at once.
 * Every attempt reads the head, then PATCHes with `If-Match` and a message unique to the attempt;
 * a 412 is recorded, not retried (the attempt lost the race). The edge's answer to the race must be
 * a history with no gap and no lost or doubled write:
 * - versions are exactly 1..N (N = the create + the number of 2xx writes), each the child of the
 *   one before;
 * - every 2xx write is in the history exactly once, at the version it was told, with its params;
 * - no 412 (or 429) attempt left any trace.
 *
 * The per-set write limit of the edge (a token bucket) may answer 429 under this load; a writer
 * then waits for `Retry-After` and sends the same attempt again under a new message, and those
 * refused messages must be absent from the history too.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VersionSchema, type Version } from '../../shared/api.ts';
import { parseRetryAfter } from '../../client/retry-after.ts';
import { startEdge } from '../../tools/edge-process.ts';
import { call, createSet, errorBody, head, history } from './helpers/edge-http.ts';

const SET = 'race';
const WRITERS = 20;
const ATTEMPTS = 25;

type Edge = Awaited<ReturnType<typeof startEdge>>;
let edge: Edge;

interface Outcome {
  writer: number;
  attempt: number;
  message: string;
  status: number;
  /** The order size this attempt tried to set (unique per attempt). */
  orderSize: number;
  version?: Version;
  /** For a 412: the head the edge said it was at. */
  currentVersion?: number;
}

beforeAll(async () => {
  edge = await startEdge({ persistDir: mkdtempSync(join(tmpdir(), 'lt-race-')) });
});

afterAll(async () => {
  await edge?.stop();
});

async function attempt(writer: number, index: number, outcomes: Outcome[]): Promise<void> {
  const orderSize = Number((1 + writer + index / 100).toFixed(2));
  for (let retry = 0; ; retry++) {
    const message = `writer ${writer} attempt ${index} try ${retry}`;
    const current = await head(edge.url, edge.tokens.read, SET);
    const answer = await call(edge.url, `/v1/sets/${SET}/params`, {
      method: 'PATCH',
      token: edge.tokens.write,
      headers: { 'if-match': current!.etag },
      body: { params: { adverse_selection_spread_scale: orderSize }, message },
    });
    const outcome: Outcome = { writer, attempt: index, message, status: answer.status, orderSize };
    outcomes.push(outcome);
    if (answer.status === 200 || answer.status === 201) {
      outcome.version = VersionSchema.parse(answer.json());
      return;
    }
    if (answer.status === 412) {
      const details = errorBody(answer).error.details as { current?: { version?: number } | number } | undefined;
      const cur = details?.current;
      outcome.currentVersion = typeof cur === 'number' ? cur : cur?.version;
      return;
    }
    if (answer.status === 429) {
      // Honour the edge's rate limit, then try the same attempt again under a new message.
      const waitMs = parseRetryAfter(answer.headers.get('retry-after')) ?? 1_000;
      // Not a sleep standing in for a condition: the real edge's token bucket refills in real
      // time, and the protocol is to come back no sooner than it says.
      await new Promise((r) => setTimeout(r, waitMs));
      continue;
    }
    throw new Error(`writer ${writer} attempt ${index}: unexpected ${answer.status} ${answer.text}`);
  }
}

describe('20 concurrent writers x 25 writes', () => {
  it('leaves a gap-free history holding every acknowledged write exactly once and nothing of a refused one', async () => {
    const created = await createSet(edge.url, edge.tokens.write, SET, { adverse_selection_spread_scale: 0.3 }, 'race: create');
    expect(created.version).toBe(1);

    const outcomes: Outcome[] = [];
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, writer) => {
        for (let i = 0; i < ATTEMPTS; i++) await attempt(writer, i, outcomes);
      }),
    );

    const written = outcomes.filter((o) => o.version !== undefined);
    const conflicted = outcomes.filter((o) => o.status === 412);
    const limited = outcomes.filter((o) => o.status === 429);
    console.info(
      `concurrent writers: ${written.length} written, ${conflicted.length} × 412, ${limited.length} × 429 (retried after Retry-After)`,
    );
    expect(written.length + conflicted.length).toBe(WRITERS * ATTEMPTS);
    // Under this much contention some attempts must lose the race, and some must win.
    expect(written.length).toBeGreaterThan(0);
    expect(conflicted.length).toBeGreaterThan(0);

    const versions = await history(edge.url, edge.tokens.read, SET, 50);
    // Gap-free: 1..N, each the child of the one before, N = the create + every 2xx write.
    expect(versions.map((v) => v.version)).toEqual(Array.from({ length: versions.length }, (_, i) => i + 1));
    expect(versions.length).toBe(1 + written.length);
    for (const v of versions.slice(1)) expect(v.parent).toBe(v.version - 1);

    // Every acknowledged write is in the history exactly once, where and as the edge said.
    const byMessage = new Map<string, Version[]>();
    for (const v of versions) byMessage.set(v.message, [...(byMessage.get(v.message) ?? []), v]);
    for (const w of written) {
      const found = byMessage.get(w.message) ?? [];
      expect(found, w.message).toHaveLength(1);
      expect(found[0]!.version).toBe(w.version!.version);
      expect(found[0]!.params.adverse_selection_spread_scale).toBe(w.orderSize);
    }
    // No refused attempt (412 or 429) left a trace, and nothing else wrote.
    for (const refused of [...conflicted, ...limited]) expect(byMessage.has(refused.message), refused.message).toBe(false);
    expect(new Set(versions.slice(1).map((v) => v.message))).toEqual(new Set(written.map((w) => w.message)));

    // A 412 names a head that an acknowledged write (or the create) made.
    const madeByWrites = new Set([1, ...written.map((w) => w.version!.version)]);
    for (const c of conflicted) {
      expect(c.currentVersion, `${c.message}: the 412 names the current head`).toBeDefined();
      expect(madeByWrites.has(c.currentVersion!), c.message).toBe(true);
    }

    // The head is the last acknowledged write.
    const last = written.reduce((a, b) => (a.version!.version > b.version!.version ? a : b));
    const now = await head(edge.url, edge.tokens.read, SET);
    expect(now!.version.version).toBe(last.version!.version);
    expect(now!.version.params.adverse_selection_spread_scale).toBe(last.orderSize);
  });
});
