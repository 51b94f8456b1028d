/**
 * `npm run build:console`: builds the console (Vite) into console/dist when it is missing or older than any
 * of its sources, and does nothing otherwise (about 50 ms), so `build` and `prestart` may always run it.
 * `--force` builds anyway. Plain JavaScript: it runs before anything is compiled.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const dir = __dirname;
const STAMP = path.join(dir, 'dist', 'index.html');
const INPUTS = [path.join(dir, 'src'), path.join(dir, 'index.html'), path.join(dir, 'vite.config.mts'), path.join(root, 'package-lock.json')];

function newest(file) {
  let stat;
  try {
    stat = fs.statSync(file);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let n = stat.mtimeMs;
  for (const entry of fs.readdirSync(file)) n = Math.max(n, newest(path.join(file, entry)));
  return n;
}

function builtAt() {
  try {
    return fs.statSync(STAMP).mtimeMs;
  } catch {
    return -1;
  }
}

if (process.argv.includes('--force') || builtAt() < Math.max(...INPUTS.map(newest))) {
  process.stderr.write('Building the console (vite build console/)...\n');
  const vite = path.join(path.dirname(require.resolve('vite/package.json', { paths: [root] })), 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--config', path.join(dir, 'vite.config.mts')], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    fs.rmSync(STAMP, { force: true });
    process.exit(result.status ?? 1);
  }
}
