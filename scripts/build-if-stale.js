/**
 * `prestart`: builds the hub (`npm run build`: the server into dist/, then the console) when the built tree
 * is missing or older than any of its inputs, so that `npm ci && npm start` needs nothing else. Plain
 * JavaScript on purpose: it runs before anything is compiled. `node scripts/build-if-stale.js --check`
 * only says whether a build is due (exit 1 when stale).
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
/** What the build reads. Build outputs and installed packages inside them are skipped. */
const INPUTS = ['src', 'seed', 'console', 'tsconfig.json', 'tsconfig.build.json', 'package.json', 'package-lock.json'];
const SKIP = new Set(['node_modules', 'dist', 'build', '.vite', 'coverage']);
/** tsc writes every output on each build, so the entry's time is the build's time. */
const STAMP = path.join(root, 'dist', 'src', 'main.js');

function newestInput(file) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(file, { withFileTypes: true })) {
    if (entry.isDirectory() && SKIP.has(entry.name)) continue;
    newest = Math.max(newest, newestInput(path.join(file, entry.name)));
  }
  return newest;
}

function builtAt() {
  try {
    return fs.statSync(STAMP).mtimeMs;
  } catch {
    return -1;
  }
}

const inputs = Math.max(...INPUTS.map((f) => newestInput(path.join(root, f))));
const stale = builtAt() < inputs;
if (process.argv.includes('--check')) {
  process.stdout.write(stale ? 'build: stale\n' : 'build: up to date\n');
  process.exit(stale ? 1 : 0);
}
if (stale) {
  process.stderr.write('Building the hub (npm run build; once after each change of the sources)...\n');
  fs.rmSync(path.join(root, 'dist'), { recursive: true, force: true });
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  const result = spawnSync(npm[0], [...npm.slice(1), 'run', '-s', 'build'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    // A half-built tree must not look fresh on the next start.
    fs.rmSync(STAMP, { force: true });
    process.exit(result.status ?? 1);
  }
}
