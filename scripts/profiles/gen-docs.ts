/** Writes docs/profiles.md from profiles/. Run: npx tsx scripts/profiles/gen-docs.ts */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadImplementationGuide } from '../../src/profiles/implementation-guide';
import { renderProfilesDoc } from './docs';

const target = resolve(__dirname, '../../docs/profiles.md');
writeFileSync(target, renderProfilesDoc(loadImplementationGuide()));
console.log(`wrote ${target}`);
