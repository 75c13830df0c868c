/**
 * Issue 11 rows 7, 8 and 9 through the real interface: a real `wrangler dev` edge, the `livetune`
 * CLI as a process, and raw HTTP where the attack is a body the CLI would not send.
 *
 * - Row 7: `order_size = max_position = 1e308` is refused by the set policy's finite caps (forced
 *   or not); a 10× step needs `--force "why"`; the policy is read by anyone and changed only by an
 *   admin token.
 * - Row 8: a typo (or a Cyrillic look-alike) set to null is an unknown key: 422, no version.
 * - Row 9: alternating 0 and -0 makes no version. A rollback to the current version neither.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VersionPageSchema } from '../../shared/api.ts';
import { etagFor } from '../../shared/etag.ts';
import { startEdge, stopAllEdges, type EdgeProcess } from '../../tools/edge-process.ts';
import { startCli, stopAllClis } from './helpers/cli-process.ts';

const SET = 'fat-finger';
let edge: EdgeProcess;

function livetune(args: string[], token = edge.tokens.write) {
  return startCli(args, { env: { ...process.env, LIVETUNE_URL: edge.url, LIVETUNE_TOKEN: token, LIVETUNE_SET: SET } }).done;
}

async function http(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${edge.url}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${edge.tokens.write}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body }),
  });
}

async function versions(): Promise<number[]> {
  const res = await http('GET', `/v1/sets/${SET}/versions?limit=100`);
  return VersionPageSchema.parse(await res.json()).versions.map((v) => v.version);
}

/** A raw PATCH of `params` (JSON text: "-0" survives as written) on the current head. */
async function rawPatch(paramsJson: string): Promise<Response> {
  const res = await http('GET', `/v1/sets/${SET}/versions?limit=1`);
  const at = VersionPageSchema.parse(await res.json()).versions[0]!;
  return http('PATCH', `/v1/sets/${SET}/params`, `{"params": ${paramsJson}, "message": "raw"}`, {
    'If-Match': etagFor(SET, at.lineage, at.version),
  });
}

beforeAll(async () => {
  edge = await startEdge({ persistDir: mkdtempSync(join(tmpdir(), 'lt-fat-finger-')) });
  const created = await http('PUT', `/v1/sets/${SET}/params`, JSON.stringify({ params: {}, message: 'defaults' }), {
    'If-None-Match': '*',
  });
  expect(created.status).toBe(201);
});

afterEach(async () => {
  await stopAllClis();
});

afterAll(async () => {
  await edge?.stop();
  await stopAllEdges();
});

describe('row 7: a fat finger cannot pass the set policy', () => {
  it('refuses order_size = max_position = 1e308 from the CLI, forced or not, naming the caps', async () => {
    const before = await versions();
    for (const extra of [[], ['--force', 'I really mean it']]) {
      const run = await livetune(['set', 'order_size=1e308', 'max_position=1e308', '-m', 'fat finger', ...extra]);
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toContain('order_size = 1e+308');
      expect(run.stderr).toContain('max_order_size');
      expect(run.stderr).toContain('max_max_position');
    }
    const raw = await rawPatch('{"order_size": 1e308, "max_position": 1e308}');
    expect(raw.status).toBe(422);
    expect(await versions()).toEqual(before);
  });

  it('refuses a 10× step unless --force says why, and keeps the reason in the version', async () => {
    const refused = await livetune(['set', 'order_size=3', '-m', 'bigger clips']);
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toContain('at most 5× the current 0.3');
    expect(refused.stderr).toContain('--force');
    const forced = await livetune(['set', 'order_size=3', '-m', 'bigger clips', '--force', 'venue lot size went 10x', '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(JSON.parse(forced.stdout)).toMatchObject({ params: { order_size: 3 }, force: { message: 'venue lot size went 10x' } });
  });

  it('shows the policy to anyone and lets only an admin token change it', async () => {
    const shown = await livetune(['policy'], edge.tokens.read);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain('max_order_size');
    expect(shown.stdout).toContain('policy v0');
    const denied = await livetune(['policy', 'set', 'max_order_size=1', '-m', 'tighter']);
    expect(denied.code).toBe(3);
    expect(denied.stderr).toContain('admin scope');
    const changed = await livetune(
      ['policy', 'set', 'max_order_size=5', 'max_step_ratio=2', '-m', 'room for the new lot'],
      edge.tokens.admin,
    );
    expect(changed.code, changed.stderr).toBe(0);
    const history = await livetune(['policy', 'history', '--json'], edge.tokens.read);
    const entries = (
      JSON.parse(history.stdout) as { versions: { version: number; author: string | null; message: string | null }[] }
    ).versions;
    expect(entries.map((v) => [v.version, v.author, v.message])).toEqual([
      [1, edge.tokenNames.admin, 'room for the new lot'],
      [0, null, null],
    ]);
    // The new policy is in force at once: 3 → 4 is within 2×; 6 is over the cap of 5.
    expect((await livetune(['set', 'order_size=4', 'max_position=4', '-m', 'a bit more'])).code).toBe(0);
    const over = await livetune(['set', 'order_size=6', 'max_position=6', '-m', 'over the cap']);
    expect(over.code).toBe(3);
    expect(over.stderr).toContain("≤ 5 (the set policy's max_order_size");
  });
});

describe('row 8: a typo set to null is refused', () => {
  it('answers 422 with a did-you-mean to order_sise, a Cyrillic е and a typo riding along a change', async () => {
    const before = await versions();
    for (const [params, field, mean] of [
      ['{"order_sise": null}', 'order_sise', 'order_size'],
      ['{"ordеr_size": null}', 'ordеr_size', 'order_size'],
      ['{"max_positon": null, "skew_adjustment_factor": 0.77}', 'max_positon', 'max_position'],
    ] as const) {
      const res = await rawPatch(params);
      expect(res.status, params).toBe(422);
      const error = ((await res.json()) as { error: { fields: { field: string; expected: string; message: string }[] } }).error;
      expect(error.fields.map((f) => f.field)).toEqual([field]);
      expect(error.fields[0]!.expected).toContain(`did you mean "${mean}"`);
      if (field.includes('е')) expect(error.fields[0]!.message).toContain('U+0435');
    }
    const cli = await livetune(['set', 'order_sise=null', '--no-local-check', '-m', 'typo']);
    expect(cli.code).toBe(3);
    expect(cli.stderr).toContain('order_size');
    expect(await versions()).toEqual(before);
  });
});

describe('row 9 and rollback: a write that changes nothing makes no version', () => {
  it('makes no version for alternating 0 and -0', async () => {
    expect((await rawPatch('{"skew_adjustment_factor": 0}')).status).toBe(200);
    const before = await versions();
    for (const value of ['-0', '0', '-0', '0']) {
      const res = await rawPatch(`{"skew_adjustment_factor": ${value}}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('Livetune-Unchanged')).toBe('true');
    }
    expect(await versions()).toEqual(before);
  });

  it('makes no version for a rollback to the current version', async () => {
    const before = await versions();
    const run = await livetune(['rollback', String(before[0]), '-m', 'again']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('no version was made');
    expect(await versions()).toEqual(before);
  });
});
