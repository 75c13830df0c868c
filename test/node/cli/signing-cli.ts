/**
 * What the CLI signing tests share: a fake edge, a temporary folder for key files, the environment
 * that points the CLI at both, and `keys generate` run through the real CLI.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { startFakeEdge, WRITE_TOKEN, type FakeEdge } from './fake-edge.ts';
import { runCli } from './run-cli.ts';

export interface SigningCli {
  edge: FakeEdge;
  dir: string;
  env: Record<string, string>;
}

export async function startSigningCli(prefix: string): Promise<SigningCli> {
  const edge = await startFakeEdge();
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { edge, dir, env: { LIVETUNE_URL: edge.url, LIVETUNE_TOKEN: WRITE_TOKEN, LIVETUNE_SET: 'hype-perp' } };
}

export async function stopSigningCli(cli: SigningCli): Promise<void> {
  await cli.edge.close();
  await rm(cli.dir, { recursive: true, force: true });
}

/** `livetune keys generate --name NAME` into the folder: the key file and the public key it printed. */
export async function generateKey(cli: SigningCli, name: string): Promise<{ file: string; public_key: string }> {
  const file = join(cli.dir, `${name}.json`);
  const run = await runCli(['keys', 'generate', '--name', name, '--out', file], cli.env);
  expect(run.code, run.stderr).toBe(0);
  const printed = JSON.parse(run.stdout) as { name: string; public_key: string };
  expect(printed.name).toBe(name);
  return { file, public_key: printed.public_key };
}
