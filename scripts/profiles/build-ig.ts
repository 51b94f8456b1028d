/**
 * Writes profiles/*.json and profiles/examples/*.json from scripts/profiles/source/ and removes stale files.
 * Run: npx tsx scripts/profiles/build-ig.ts   (then npx tsx scripts/profiles/gen-docs.ts)
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildIgFiles } from './build';

const root = resolve(__dirname, '../../profiles');
const files = buildIgFiles();
mkdirSync(join(root, 'examples'), { recursive: true });
for (const dir of ['', 'examples']) {
  for (const name of readdirSync(join(root, dir))) {
    const relative = dir ? `${dir}/${name}` : name;
    if (name.endsWith('.json') && !files.has(relative)) {
      rmSync(join(root, relative));
    }
  }
}
for (const [relative, text] of files) {
  writeFileSync(join(root, relative), text);
}
console.log(`wrote ${files.size} files to ${root}`);
