/**
 * Everything the CLI touches outside itself, injected so tests run it in-process: output streams,
 * environment, transport, WebSocket constructor, clock, editor, prompts. `processIo()` is the real one.
 */
import type { FetchLike } from '../client/edge-request.ts';
import type { WebSocketConstructor } from '../client/reconnecting-socket.ts';
import { systemClock, type Clock } from '../shared/clock.ts';
import { nodeHttpFetch } from './node-http-fetch.ts';

export interface TextSink {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export interface CliIo {
  stdout: TextSink;
  stderr: TextSink;
  env: Record<string, string | undefined>;
  /** Default: the global `fetch`; the real process uses `nodeHttpFetch` (a faster start). */
  fetch?: FetchLike | undefined;
  /**
   * Default: `ws`, loaded by `watch` when it needs it (the watch socket sends an Authorization
   * header, which the WHATWG constructor cannot); not loaded at start-up, which `get` would pay for.
   */
  WebSocket?: WebSocketConstructor | undefined;
  /** Aborting it ends long-running commands (`watch`) cleanly; wired to SIGINT by `processIo`. */
  signal?: AbortSignal | undefined;
  /** Time: request deadlines, retry delays, "5s ago". Default: the system clock. */
  clock?: Clock | undefined;
  /** Opens `file` in the user's editor and resolves when it exits. */
  editFile?: ((file: string, editor: string) => Promise<void>) | undefined;
  /** Asks a yes/no question; false when nobody can answer (no TTY). */
  confirm?: ((question: string) => Promise<boolean>) | undefined;
  /** Reads all of standard input (`apply -f -`). */
  readStdin?: (() => Promise<string>) | undefined;
}

/** Runs `$EDITOR file` through the shell, so an editor given with flags (`code --wait`) works. */
export async function spawnEditor(file: string, editor: string): Promise<void> {
  const { spawn } = await import('node:child_process');
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', `${editor} "$1"`, 'livetune-editor', file], { stdio: 'inherit' });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`editor "${editor}" exited with ${signal ?? `code ${code}`}`));
    });
  });
}

async function confirmOnTty(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  // Loaded here: only `edit` asks questions, and every other command would pay for it at start-up.
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const answer = (await rl.question(`${question} [Y/n] `)).trim().toLowerCase();
    return answer === '' || answer === 'y' || answer === 'yes';
  } finally {
    rl.close();
  }
}

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** The real process: its streams and environment, `nodeHttpFetch`, the system clock, Ctrl-C (`ws` when `watch` needs it). */
export function processIo(signal?: AbortSignal): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    fetch: nodeHttpFetch,
    signal,
    clock: systemClock,
    editFile: spawnEditor,
    confirm: confirmOnTty,
    readStdin: readProcessStdin,
  };
}
