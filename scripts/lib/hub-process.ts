/** Runs the hub as a real child process (for the crash test and the benchmarks). */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

export interface HubProcess {
  readonly child: ChildProcess;
  readonly base: string;
  readonly output: () => string;
}

export async function waitFor(url: string, timeoutMs = 30000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error(`${url} not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function startHubProcess(env: Record<string, string>, port: number, script = 'src/main.ts'): Promise<HubProcess> {
  // A built script (dist/src/main.js) runs as `npm start` runs it, without tsx.
  const loader = script.endsWith('.js') ? [] : ['--import', 'tsx'];
  const child = spawn(process.execPath, ['--max-semi-space-size=64', ...loader, path.join(ROOT, script)], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', HUB_BASE_URL: `http://127.0.0.1:${port}/fhir`, LOG_LEVEL: 'warn', HUB_DEMO: 'false', HUB_AUTH: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await waitFor(`http://127.0.0.1:${port}/readyz`, 600000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${String(error)}\n${out}`);
  }
  return { child, base: `http://127.0.0.1:${port}/fhir`, output: () => out };
}

export function killHard(p: HubProcess): Promise<void> {
  return new Promise((resolve) => {
    p.child.once('exit', () => resolve());
    p.child.kill('SIGKILL');
  });
}
