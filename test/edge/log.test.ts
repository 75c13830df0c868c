/** The edge's structured log: one JSON line per event, never a credential. */
import { describe, expect, it } from 'vitest';
import { createEdgeLog, type LogLevel } from '../../edge/log.ts';

function capture() {
  const lines: { level: LogLevel; line: string }[] = [];
  const log = createEdgeLog({ sink: (level, line) => lines.push({ level, line }) });
  return { log, lines, parsed: () => lines.map((l) => JSON.parse(l.line) as Record<string, unknown>) };
}

describe('edge log', () => {
  it('writes one JSON line per event with its level, event, set and version', () => {
    const { log, lines, parsed } = capture();
    log.info('version', { set: 'hype-perp', version: 3, author: 'ops' });
    log.warn('watch_socket_error', { error: 'reset' });
    expect(lines.map((l) => l.level)).toEqual(['info', 'warn']);
    expect(lines.every((l) => !l.line.includes('\n'))).toBe(true);
    expect(parsed()).toEqual([
      { level: 'info', event: 'version', set: 'hype-perp', version: 3, author: 'ops' },
      { level: 'warn', event: 'watch_socket_error', error: 'reset' },
    ]);
  });

  it('writes errors as their message and leaves out undefined fields', () => {
    const { log, parsed } = capture();
    log.error('kv_put_failed', { set: 's', version: undefined, error: new Error('KV down') });
    expect(parsed()).toEqual([{ level: 'error', event: 'kv_put_failed', set: 's', error: 'Error: KV down' }]);
  });

  it('never writes a token, whatever field or depth it hides in', () => {
    const { log, lines } = capture();
    log.info('request', { token: 'secret-1', headers: { Authorization: 'Bearer secret-2' }, nested: { apiToken: 'secret-3' } });
    expect(lines[0]!.line).not.toMatch(/secret-/);
    expect(lines[0]!.line).toContain('[redacted]');
  });
});
