/** The committed JSON in profiles/ is exactly what the sources and the snapshot generator produce. */
import { describe, expect, it } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildIgFiles } from '../../scripts/profiles/build';
import { defaultProfilesDir } from '../../src/profiles/ig-files';
import { r4Definition } from '../../src/profiles/r4-base';
import { generateSnapshot } from '../../src/profiles/snapshot';
import type { StructureDefinition } from '@medplum/fhirtypes';

const dir = defaultProfilesDir();
const committed = (relative: string): string => readFileSync(join(dir, relative), 'utf8');
const listed = [
  ...readdirSync(dir).filter((f) => f.endsWith('.json')),
  ...readdirSync(join(dir, 'examples')).map((f) => `examples/${f}`),
].sort();

describe('profiles/ is generated', () => {
  const built = buildIgFiles();

  it('has exactly the files the build produces (run: npx tsx scripts/profiles/build-ig.ts)', () => {
    expect(listed).toEqual([...built.keys()].sort());
  });

  it.each([...built.keys()])('%s is up to date', (relative) => {
    expect(committed(relative)).toBe(built.get(relative));
  });

  it.each(listed.filter((f) => f.startsWith('StructureDefinition-')))('%s: regenerating the snapshot from the committed differential gives the committed snapshot', (file) => {
    const sd = JSON.parse(committed(file)) as StructureDefinition;
    expect(generateSnapshot(sd, r4Definition)).toEqual(sd.snapshot?.element);
  });

  it('snapshot slices carry their slice name and copies of the sliced element children', () => {
    const bp = JSON.parse(committed('StructureDefinition-hub-blood-pressure.json')) as StructureDefinition;
    const ids = bp.snapshot?.element?.map((e) => e.id) ?? [];
    const systolic = bp.snapshot?.element?.find((e) => e.id === 'Observation.component:systolic');
    expect(systolic?.sliceName).toBe('systolic');
    expect(ids.indexOf('Observation.component:systolic')).toBeGreaterThan(ids.indexOf('Observation.component.referenceRange'));
    expect(ids).toContain('Observation.component:systolic.value[x]');
    expect(ids).toContain('Observation.component:diastolic.interpretation');
  });
});
