/** docs/profiles.md is generated from the StructureDefinitions and must be up to date. */
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderProfilesDoc } from '../../scripts/profiles/docs';
import { RESIDENT_ID_SYSTEM } from '../../src/domain/resident-id';
import { PROFILES } from '../../src/profiles/canonical';
import { loadImplementationGuide } from '../../src/profiles/implementation-guide';

const guide = loadImplementationGuide();
const committed = readFileSync(join(guide.dir, '..', 'docs', 'profiles.md'), 'utf8');

describe('docs/profiles.md', () => {
  it('equals the generated output (run: npx tsx scripts/profiles/gen-docs.ts)', () => {
    expect(committed).toBe(renderProfilesDoc(guide));
  });

  it('documents every profile, every invariant and the resident ID system', () => {
    for (const url of Object.values(PROFILES)) {
      expect(committed).toContain(url);
    }
    for (const sd of guide.structureDefinitions) {
      for (const constraint of sd.differential?.element?.flatMap((e) => e.constraint ?? []) ?? []) {
        expect(committed).toContain(`| ${constraint.key} |`);
      }
    }
    expect(committed).toContain(RESIDENT_ID_SYSTEM);
    expect(committed).toContain('WS/T 500');
    expect(committed).toContain('`120116` | 滨海新区 |');
  });
});
