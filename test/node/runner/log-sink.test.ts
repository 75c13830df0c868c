/**
 * The runner's log sink never blocks or throws on a stdout that does not take its lines: it drops
 * (and counts) what a stuck reader leaves waiting past the cap, and gives up on a failed stream.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { LogSink } from '../../../runner/log-sink.ts';

class FakeStream extends EventEmitter {
  lines: string[] = [];
  writableLength = 0;
  destroyed = false;
  throwOnWrite: Error | null = null;
  write(chunk: string): boolean {
    if (this.throwOnWrite) throw this.throwOnWrite;
    this.lines.push(chunk);
    return true;
  }
}

describe('LogSink', () => {
  it('writes lines while the reader keeps up', () => {
    const stream = new FakeStream();
    const sink = new LogSink({ stream, maxBufferedBytes: 10 });
    sink.write('a\n');
    expect(stream.lines).toEqual(['a\n']);
    expect(sink.dropped).toBe(0);
  });

  it('drops and counts lines once more than the cap waits for a reader that stopped reading', () => {
    const stream = new FakeStream();
    const sink = new LogSink({ stream, maxBufferedBytes: 10 });
    stream.writableLength = 11;
    sink.write('b\n');
    sink.write('c\n');
    expect(stream.lines).toEqual([]);
    expect(sink.dropped).toBe(2);
    stream.writableLength = 0;
    sink.write('d\n');
    expect(stream.lines).toEqual(['d\n']);
  });

  it('gives up on a stream whose reader has gone (EPIPE), without an uncaught error', () => {
    const stream = new FakeStream();
    const sink = new LogSink({ stream });
    const epipe = Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });
    stream.emit('error', epipe);
    sink.write('e\n');
    expect(sink.failure).toBe(epipe);
    expect(stream.lines).toEqual([]);
    expect(sink.dropped).toBe(1);
  });

  it('never throws when a synchronous write fails (ENOSPC on a full disk)', () => {
    const stream = new FakeStream();
    stream.throwOnWrite = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    const sink = new LogSink({ stream });
    expect(() => sink.write('f\n')).not.toThrow();
    expect(sink.failure?.message).toContain('ENOSPC');
    expect(sink.dropped).toBe(1);
  });
});
