/**
 * The operator guides and presets cannot silently fall behind the params document: every preset is
 * a valid, complete document for the shared schema, and every key of PARAM_SPECS is explained in
 * the live-tuning guide and named in the quick reference.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PARAM_KEYS, describeIssues, validateParams } from '../../../shared/index.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const PRESETS_DIR = join(ROOT, 'examples', 'presets');
const read = (...parts: string[]) => readFileSync(join(ROOT, ...parts), 'utf8');
const presetFiles = readdirSync(PRESETS_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('presets', () => {
  it('ships the three documented presets', () => {
    expect(presetFiles).toEqual(['aggressive.json', 'conservative.json', 'high-frequency.json']);
  });

  it.each(presetFiles)('%s is a params document the edge accepts', (file) => {
    const result = validateParams(JSON.parse(read('examples', 'presets', file)));
    expect(result.ok, result.ok ? '' : describeIssues(result.issues)).toBe(true);
  });

  it.each(presetFiles)('%s sets every key explicitly (a preset must not depend on defaults)', (file) => {
    expect(Object.keys(JSON.parse(read('examples', 'presets', file)) as object).sort()).toEqual([...PARAM_KEYS].sort());
  });

  it.each(presetFiles)('%s is described in the quick reference', (file) => {
    expect(read('docs', 'TUNING_QUICK_REF.md')).toContain(`examples/presets/${file}`);
  });
});

describe('guides', () => {
  const guide = read('docs', 'LIVE_TUNING_GUIDE.md');
  const quickRef = read('docs', 'TUNING_QUICK_REF.md');

  it.each(PARAM_KEYS)('the live-tuning guide has a section on %s', (key) => {
    expect(guide).toMatch(new RegExp(`^#{3,4} \`${key}\``, 'm'));
  });

  it.each(PARAM_KEYS)('the quick reference names %s', (key) => {
    expect(quickRef).toContain(`\`${key}\``);
  });

  it('states the liquidation start that u = r³ implies for the default threshold', () => {
    expect(guide).toContain(Math.cbrt(0.7).toFixed(3));
  });
});
