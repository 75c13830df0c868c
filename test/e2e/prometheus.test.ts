/**
 * A runner's trading telemetry as an operator's monitoring sees it: three runners in two regions
 * quoting on the sim venue through a change from v1 to v2; the edge's `perf?by=version` shows both
 * versions with fills from their reports, and `perf/compare` answers; the first runner's
 * `/metrics` passes `promtool check metrics`; a real Prometheus (Debian's `prometheus` package, started here on loopback with a temp dir for its
 * storage) scrapes it, and PromQL queries by `params_version` return data for both versions. The
 * shipped examples are checked against the same Prometheus: `docs/prometheus.yml` passes
 * `promtool check config`, and every query of `docs/grafana-dashboard.json` is valid PromQL.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEdge, type EdgeProcess } from '../../tools/edge-process.ts';
import { eventually, GiveUp } from '../../tools/eventually.ts';
import { freePort } from '../../tools/free-port.ts';
import { type ManagedProcess, startProcess } from '../../tools/managed-process.ts';
import { startRunner, stopAllRunners } from '../../tools/runner-process.ts';
import { CompareAnswerSchema, PerfAnswerSchema } from '../../shared/perf.ts';
import { createSet, patch } from './helpers/edge-http.ts';

const SET = 'prom-telemetry';
let edge: EdgeProcess;
let prometheus: ManagedProcess | null = null;

beforeAll(async () => {
  edge = await startEdge({ persistDir: mkdtempSync(join(tmpdir(), 'lt-prom-')) });
  await createSet(edge.url, edge.tokens.write, SET, { base_half_spread_bps: 5 }, 'prometheus: create');
});

afterEach(async () => {
  await prometheus?.stop({ graceMs: 5_000 });
  prometheus = null;
  await stopAllRunners();
});

afterAll(async () => {
  await edge?.stop();
});

interface PromVector {
  status: string;
  data: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] };
}

const DOCS = new URL('../../docs/', import.meta.url);

/** Every PromQL expression of the shipped Grafana dashboard (panels and annotations). */
function dashboardExprs(): string[] {
  const exprs: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) {
        if (key === 'expr' && typeof value === 'string') exprs.push(value);
        else walk(value);
      }
  };
  walk(JSON.parse(readFileSync(new URL('grafana-dashboard.json', DOCS), 'utf8')));
  return exprs;
}

/** One instant query against Prometheus' HTTP API. */
async function query(base: string, promql: string): Promise<PromVector['data']['result']> {
  const response = await fetch(`${base}/api/v1/query?query=${encodeURIComponent(promql)}`, {
    signal: AbortSignal.timeout(5_000),
  });
  const body = (await response.json()) as PromVector;
  if (body.status !== 'success') throw new Error(`query ${promql}: ${JSON.stringify(body)}`);
  return body.data.result;
}

describe('runner telemetry in Prometheus', () => {
  it('passes promtool, is scraped by a real Prometheus and answers PromQL by params_version', async () => {
    // Three runners in two regions, heartbeat 1 s so their reports (and telemetry deltas) reach the
    // edge promptly; prom-1 is the one Prometheus scrapes.
    const runners = await Promise.all(
      (['eu-west', 'eu-west', 'us-east'] as const).map((region, i) =>
        startRunner({
          edgeUrl: edge.url,
          token: edge.tokens.read,
          set: SET,
          runnerId: `prom-${i + 1}`,
          region,
          cacheDir: mkdtempSync(join(tmpdir(), 'lt-prom-cache-')),
          extraArgs: ['--venue', 'sim', '--seed', String(i + 3), '--wait', '5', '--heartbeat', '1'],
        }),
      ),
    );
    const runner = runners[0]!;
    await Promise.all(
      runners.map((r) => r.waitForStatus((s) => s.trading?.params_version === 1 && s.trading.fills > 0, { what: 'fills on v1' })),
    );
    const v2 = await patch(edge.url, edge.tokens.write, SET, { base_half_spread_bps: 3 }, 'prometheus: tighter');
    await Promise.all(
      runners.map(async (r) => {
        const afterSwap = await r.waitForStatus((s) => s.trading?.params_version === v2.version, { what: 'v2 applied' });
        await r.waitForStatus((s) => (s.trading?.fills ?? 0) > afterSwap.trading!.fills, { what: 'fills after v2' });
      }),
    );

    // The edge's rollups: both versions with fills, from the runners' own reports; compare answers.
    const readEdge = async (path: string) => {
      const res = await fetch(`${edge.url}/v1/sets/${SET}${path}`, { headers: { authorization: `Bearer ${edge.tokens.read}` } });
      expect(res.status, path).toBe(200);
      return res.json();
    };
    const perf = await eventually(
      async () => {
        const answer = PerfAnswerSchema.parse(await readEdge('/perf?by=version'));
        const fills = new Map(answer.groups.map((g) => [g.key, g.metrics.fills]));
        return (fills.get('1') ?? 0) > 0 && (fills.get(String(v2.version)) ?? 0) > 0 ? answer : undefined;
      },
      { what: 'perf?by=version with fills on v1 and v2', timeoutMs: 60_000 },
    );
    expect(perf.versions.map((m) => m.version)).toContain(v2.version);
    const byRegion = PerfAnswerSchema.parse(await readEdge('/perf?by=region'));
    expect(byRegion.groups.map((g) => g.key).sort()).toEqual(['eu-west', 'us-east']);
    const compare = CompareAnswerSchema.parse(await readEdge(`/perf/compare?a=1&b=${v2.version}`));
    expect(compare.a.version).toBe(1);
    expect(compare.b.version).toBe(v2.version);
    expect(compare.a.runners).toBeGreaterThanOrEqual(1);
    expect(compare.metrics.length).toBeGreaterThan(0);

    const metricsUrl = `${runner.statusUrl}/metrics`;
    const text = await (await fetch(metricsUrl)).text();
    expect(text).toMatch(/livetune_fills_total\{[^}]*params_version="1"/);
    expect(text).toMatch(/livetune_orders_total\{[^}]*params_version="2"/);
    const check = spawnSync('promtool', ['check', 'metrics'], {
      input: text,
      encoding: 'utf8',
      timeout: 30_000,
      killSignal: 'SIGKILL',
    });
    expect(check.error, 'promtool must be installed (Debian package prometheus)').toBeUndefined();
    expect(`${check.stdout}${check.stderr}`.trim()).toBe('');
    expect(check.status).toBe(0);

    const dir = mkdtempSync(join(tmpdir(), 'lt-prometheus-'));
    const target = new URL(runner.statusUrl).host;
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'scrape_configs:',
        '  - job_name: livetune-runner',
        '    static_configs:',
        `      - targets: ['${target}']`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    prometheus = startProcess('prometheus', 'prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    const base = `http://127.0.0.1:${port}`;
    const proc = prometheus;
    const context = () => proc.tail(20);
    const byVersion = await eventually(
      async () => {
        if (!proc.alive()) throw new GiveUp(`prometheus exited: ${JSON.stringify(proc.exitInfo())}`);
        const rows = await query(base, 'sum by (params_version) (livetune_orders_total{job="livetune-runner"})');
        const versions = new Set(rows.map((r) => r.metric.params_version));
        return versions.has('1') && versions.has(String(v2.version)) ? rows : null;
      },
      { what: 'Prometheus to have scraped orders for v1 and v2', timeoutMs: 60_000, intervalMs: 500, context },
    );
    expect(byVersion.every((r) => Number(r.value[1]) > 0)).toBe(true);
    const fills = await query(base, 'sum(livetune_fills_total{params_version="1", runner="prom-1", region="eu-west"})');
    expect(Number(fills[0]?.value[1])).toBeGreaterThan(0);
    const markouts = await eventually(
      async () => {
        const rows = await query(base, 'livetune_markout_bps_count{horizon="1s", params_version="1"}');
        return rows.length > 0 && Number(rows[0]!.value[1]) > 0 ? rows : null;
      },
      { what: '1 s markouts of v1 in Prometheus', timeoutMs: 30_000, intervalMs: 500, context },
    );
    expect(markouts[0]!.metric.set).toBe(SET);

    // The shipped dashboard's queries, with its variables as Grafana would fill them, once rates
    // have the two samples they need.
    await eventually(async () => (await query(base, `rate(livetune_orders_total{set="${SET}"}[1m])`)).length > 0, {
      what: 'a second scrape (rates need two samples)',
      timeoutMs: 30_000,
      intervalMs: 500,
      context,
    });
    const exprs = dashboardExprs();
    expect(exprs.length).toBeGreaterThan(10);
    let answered = 0;
    for (const expr of exprs) {
      const promql = expr
        .replaceAll('$set', SET)
        .replaceAll('$region', '.*')
        .replaceAll('$runner', '.*')
        .replaceAll('$params_version', '.*')
        .replaceAll('$__rate_interval', '1m')
        .replaceAll('$__range', '5m');
      if ((await query(base, promql)).length > 0) answered++;
    }
    // Most panels have data already (the version-change annotation needs a change 30 s back).
    expect(answered).toBeGreaterThan(exprs.length / 2);
    const config = spawnSync('promtool', ['check', 'config', new URL('prometheus.yml', DOCS).pathname], {
      encoding: 'utf8',
      timeout: 30_000,
      killSignal: 'SIGKILL',
    });
    expect(config.status, `${config.stdout}${config.stderr}`).toBe(0);
  });
});
