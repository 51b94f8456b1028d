import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, regionOptionsFromArgs } from '../../seed/cli';
import { PRESETS } from '../../seed/generator/presets';
import { estimateRegionSize } from '../../seed/generator/region';
import { readNdjsonBundles } from '../../seed/load/ndjson-reader';
import { regionHash } from './helpers';

describe('seed CLI', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'seed-cli-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('options come from presets, overridden by flags', () => {
    expect(regionOptionsFromArgs({ preset: 'demo' })).toMatchObject({ seed: 2026, clinics: 267, residents: 500 });
    expect(regionOptionsFromArgs({ preset: 'demo', seed: '9', residents: '1_000' })).toMatchObject({ seed: 9, residents: 1000 });
    expect(regionOptionsFromArgs({ preset: 'bench-1m' }).targetResources).toBe(1_000_000);
    expect(regionOptionsFromArgs({ preset: 'bench-1m', residents: '10' }).targetResources).toBeUndefined();
    expect(regionOptionsFromArgs({ resources: '50000' }).targetResources).toBe(50_000);
    expect(() => regionOptionsFromArgs({ preset: 'huge' })).toThrow(/unknown preset/);
    expect(() => regionOptionsFromArgs({ clinics: 'many' })).toThrow(/--clinics/);
  });

  test('the demo preset stays a few thousand resources', () => {
    const e = estimateRegionSize(PRESETS.demo);
    expect(e.total).toBeGreaterThan(5_000);
    expect(e.total).toBeLessThan(10_000);
  });

  test('generate writes the NDJSON the generator streams, and it reads back', async () => {
    const out = join(dir, 'region.ndjson');
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await main(['generate', '--seed', '4', '--clinics', '16', '--residents', '50', '--out', out, '--no-progress'])).toBe(0);
    } finally {
      stderr.mockRestore();
    }
    const text = readFileSync(out, 'utf8');
    expect(createHash('sha256').update(text).digest('hex')).toBe(regionHash({ seed: 4, clinics: 16, residents: 50 }));
    let count = 0;
    for await (const bundle of readNdjsonBundles(out)) {
      expect(bundle.type).toBe('transaction');
      count++;
    }
    expect(count).toBe(text.trim().split('\n').length);
  });
});
