/**
 * DESIGN "Parts" enforced: every source file's imports point down the table (test/helpers/
 * check-architecture.ts holds the rules), and no class member is declared `private`. The check is
 * itself checked on a miniature repository with planted violations (test/node/fixtures/architecture).
 */
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkArchitecture, runtimeDependencies, sourceFiles, type Violation } from '../helpers/check-architecture.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const FIXTURE = resolve(import.meta.dirname, 'fixtures/architecture');

/**
 * Violations tolerated while a change that removes them is still being merged: an entry names the
 * file, the rule and (for an import) the specifier. An entry that no longer matches anything fails
 * the test, so the list can only shrink. Empty since the client rework (fetch and an injected
 * WebSocket: client/ no longer imports undici or ws) and the engine's # fields landed; keep it so.
 */
const ALLOWED: readonly { file: string; rule: Violation['rule']; subject?: string; why: string }[] = [];

function isAllowed(v: Violation, entry: (typeof ALLOWED)[number]): boolean {
  return v.file === entry.file && v.rule === entry.rule && (entry.subject === undefined || v.subject === entry.subject);
}

const describeAll = (violations: readonly Violation[]) =>
  violations.map((v) => `${v.file}:${v.line} ${v.subject}: ${v.message}`).join('\n');

describe('the repository', () => {
  const violations = checkArchitecture(ROOT, sourceFiles(ROOT, ['test/node/fixtures']), runtimeDependencies(ROOT));

  it('imports only down the table of DESIGN "Parts" and declares no `private` member', () => {
    const unexpected = violations.filter((v) => !ALLOWED.some((entry) => isAllowed(v, entry)));
    expect(unexpected, describeAll(unexpected)).toEqual([]);
  });

  it('has no allow-list entry left that nothing needs', () => {
    const stale = ALLOWED.filter((entry) => !violations.some((v) => isAllowed(v, entry)));
    expect(stale, 'remove these entries from ALLOWED: the violation is gone').toEqual([]);
  });
});

describe('the import-direction check (on planted fixtures)', () => {
  const violations = checkArchitecture(FIXTURE, sourceFiles(FIXTURE), runtimeDependencies(FIXTURE));
  const inFile = (file: string) => violations.filter((v) => v.file === file);

  it('reports a Node built-in imported by the engine', () => {
    expect(inFile('engine/plants-fs.ts')).toEqual([
      expect.objectContaining({
        rule: 'import',
        subject: 'node:fs',
        line: 2,
        message: expect.stringContaining('no Node built-ins'),
      }),
    ]);
  });

  it('reports a type-only import, a dynamic import and an `export … from` alike', () => {
    expect(inFile('shared/type-import.ts')).toEqual([expect.objectContaining({ subject: 'node:stream' })]);
    expect(inFile('engine/reaches-runner.ts')).toEqual([
      expect.objectContaining({ subject: '../runner/holder.ts', message: expect.stringContaining('in runner/') }),
    ]);
    expect(inFile('client/reexport.ts')).toEqual([expect.objectContaining({ subject: 'undici' })]);
  });

  it('lets the CLI import the runner only from its run command', () => {
    expect(inFile('cli/status.ts')).toEqual([expect.objectContaining({ subject: '../runner/holder.ts' })]);
    expect(inFile('cli/commands/run.ts')).toEqual([]);
  });

  it('lets the record command import the recorder entry of runner/ and nothing else of it', () => {
    expect(inFile('cli/commands/record.ts')).toEqual([expect.objectContaining({ subject: '../../runner/holder.ts', line: 3 })]);
  });

  it('reports a `private` class member', () => {
    expect(inFile('engine/private-member.ts')).toEqual([expect.objectContaining({ rule: 'private', subject: 'count', line: 3 })]);
  });

  it('allows what DESIGN allows: zod and pure-rand below, node and runtime dependencies in the runner, anything in tools', () => {
    for (const file of ['shared/ok.ts', 'engine/ok.ts', 'runner/holder.ts', 'tools/ok.ts'])
      expect(inFile(file), file).toEqual([]);
  });

  it('lets the edge import hono and the Workers runtime, and nothing of Node', () => {
    const files: Record<string, string> = {
      'edge/ok.ts':
        "import { Hono } from 'hono';\nimport { DurableObject } from 'cloudflare:workers';\nimport '../shared/ok.ts';\n",
      'edge/node.ts': "import { Buffer } from 'node:buffer';\n",
      'engine/worker.ts': "import { env } from 'cloudflare:workers';\n",
    };
    const found = checkArchitecture(FIXTURE, Object.keys(files), new Set(), (file) => files[file]!);
    expect(found.map((v) => [v.file, v.subject])).toEqual([
      ['edge/node.ts', 'node:buffer'],
      ['engine/worker.ts', 'cloudflare:workers'],
    ]);
  });
});
