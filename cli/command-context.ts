/**
 * What every subcommand gets: the resolved global options (flags over environment), a client for the
 * edge, the output helpers, and the error scope it fills in for better error messages.
 */
import type { Command } from 'commander';
import { isValidSetName, SET_NAME_RULE } from '../shared/set-name.ts';
import { createEdgeClient, type EdgeClient } from '../client/edge-client.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import type { CliIo } from './cli-io.ts';
import type { ErrorScope } from './error-scope.ts';
import { terminalSafe } from './terminal-safe.ts';
import { UsageError } from './usage-error.ts';

export interface GlobalOptions {
  url?: string;
  token?: string;
  set?: string;
  json?: boolean;
  timeout?: string;
}

/** Shared by every command registration: the injected world and the scope errors are rendered in. */
export interface CliDeps {
  io: CliIo;
  scope: ErrorScope;
}

export interface CommandContext {
  io: CliIo;
  scope: ErrorScope;
  json: boolean;
  /** The edge client; a missing or malformed URL is a usage error. */
  client(): EdgeClient;
  /** The set to work on; a missing or malformed name is a usage error. */
  set(): string;
  out(text: string): void;
  /** Pretty JSON (a document); `outJsonLine` is one compact line (a stream of them). Both exact JSON. */
  outJson(value: unknown): void;
  outJsonLine(value: unknown): void;
  /** Progress and notes for people: stderr, so stdout stays clean for pipes. */
  note(text: string): void;
  clock: Clock;
  now(): number;
}

function resolveUrl(options: GlobalOptions, io: CliIo): string {
  const url = options.url ?? io.env.LIVETUNE_URL;
  if (!url) throw new UsageError('no edge URL: pass --url <url> or set LIVETUNE_URL (e.g. http://127.0.0.1:8787)');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(url)} is not a URL: expected http(s)://host[:port]`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UsageError(`--url ${JSON.stringify(url)}: expected an http:// or https:// URL`);
  if (parsed.username || parsed.password)
    throw new UsageError('--url must not carry credentials: pass the token with --token or LIVETUNE_TOKEN');
  return url;
}

function resolveTimeout(options: GlobalOptions): number {
  if (options.timeout === undefined) return 10_000;
  const ms = Number(options.timeout);
  if (!Number.isInteger(ms) || ms <= 0)
    throw new UsageError(`--timeout ${JSON.stringify(options.timeout)}: expected a positive whole number of milliseconds`);
  return ms;
}

export function commandContext(command: Command, { io, scope }: CliDeps): CommandContext {
  const options = command.optsWithGlobals<GlobalOptions>();
  const json = options.json === true;
  let client: EdgeClient | undefined;
  const clock = io.clock ?? systemClock;
  return {
    io,
    scope,
    json,
    client() {
      if (client) return client;
      const baseUrl = resolveUrl(options, io);
      scope.url = baseUrl;
      client = createEdgeClient({
        baseUrl,
        token: options.token ?? io.env.LIVETUNE_TOKEN,
        fetch: io.fetch,
        clock,
        timeoutMs: resolveTimeout(options),
      });
      return client;
    },
    set() {
      const set = options.set ?? io.env.LIVETUNE_SET;
      if (!set) throw new UsageError('no param set: pass --set <name> or set LIVETUNE_SET (livetune sets lists them)');
      if (!isValidSetName(set)) throw new UsageError(`--set ${JSON.stringify(set)} is not a set name: ${SET_NAME_RULE}`);
      scope.set = set;
      return set;
    },
    // Everything printed goes through terminalSafe: values come from the edge and its runners.
    out: (text) => void io.stdout.write(terminalSafe(text.endsWith('\n') ? text : `${text}\n`, 'text')),
    outJson: (value) => void io.stdout.write(`${terminalSafe(JSON.stringify(value, null, 2), 'json')}\n`),
    outJsonLine: (value) => void io.stdout.write(`${terminalSafe(JSON.stringify(value), 'json')}\n`),
    note: (text) => void io.stderr.write(terminalSafe(text.endsWith('\n') ? text : `${text}\n`, 'text')),
    clock,
    now: () => clock.now(),
  };
}
