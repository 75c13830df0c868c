import { describe, expect, it } from 'vitest';
import type { FleetEntry } from '../../../shared/api.ts';
import { fleetSummary, isSilent } from '../../../dashboard/src/fleet-summary.ts';

const at = Date.parse('2026-11-24T15:01:00.000Z');

function runner(id: string, status: FleetEntry['status'], applied = 7): FleetEntry {
  return {
    runner_id: id,
    region: 'eu',
    applied_version: applied,
    sync_state: 'ready',
    last_seen: '2026-11-24T15:00:59.000Z',
    status,
  };
}

describe('fleet summary', () => {
  it('counts only live runners as on (or not on) the version; silent and stopped are said apart', () => {
    const fleet = {
      set: 'hype-perp',
      version: 7,
      runners: [runner('a', 'live'), runner('b', 'silent'), runner('c', 'stopped', 6)],
    };
    expect(fleetSummary(fleet, 7, at)).toMatch(
      /^3 runner\(s\) in 1 region\(s\) · 1 on v7 · 0 not on it · 1 silent · 1 stopped · updated /,
    );
  });

  it("follows the edge's status; without one (an older edge), the time since the last report", () => {
    expect(isSilent(runner('a', 'stopped'), at)).toBe(true);
    expect(isSilent(runner('a', 'live'), at)).toBe(false);
    expect(isSilent({ ...runner('a', undefined), last_seen: '2026-11-24T15:00:00.000Z' }, at)).toBe(true);
  });
});
