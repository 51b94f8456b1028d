/**
 * For the browser tests: the built console, a hub listening on a free local port with a small region of the
 * demo generator (60 clinics, 60 residents: about 1,500 resources, loaded in a few seconds — the full demo
 * region takes 25–60 s on a busy machine, too long for the suite) and the demo users, and Debian's chromium.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import type { Hub } from '../../src/app';
import { createHub } from '../../src/app';
import { loadConfig } from '../../src/config';
import { setUpDemoClients } from '../../src/first-run';
import { createLogger } from '../../src/logger';
import { generateRegion, loadBundlesDirect, PRESETS } from '../../seed';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  if (!fs.existsSync(CHROMIUM)) return `no browser at ${CHROMIUM} (install Debian's chromium: apt-get install -y chromium; .ci/run does it when it may)`;
  return undefined;
}

/** Builds console/dist when it is older than its sources (console/build-if-stale.js). */
export function buildConsole(): void {
  execFileSync(process.execPath, [path.join(__dirname, '..', '..', 'console', 'build-if-stale.js')], { stdio: 'inherit' });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface BrowserHub {
  readonly hub: Hub;
  readonly origin: string;
  close(): Promise<void>;
}

export async function startBrowserHub(): Promise<BrowserHub> {
  const port = await freePort();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hub-console-'));
  // localhost: a secure context, so the console may use crypto.subtle for PKCE.
  const origin = `http://localhost:${port}`;
  const config = { ...loadConfig({}), baseUrl: `${origin}/fhir`, port, host: '127.0.0.1', dataDir, demo: false, logLevel: 'silent' as const, fsync: false, validationWorkers: 0, auth: true, rateLimitPerMinute: 0, jobs: false };
  const hub = await createHub({ config, log: createLogger('silent') });
  await loadBundlesDirect(hub, generateRegion({ ...PRESETS.demo, clinics: 60, residents: 60 }));
  await setUpDemoClients(hub, path.join(dataDir, 'demo-clients'));
  await hub.listen();
  return {
    hub,
    origin,
    async close() {
      await hub.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Where screenshots go: docs/console/ when UPDATE_CONSOLE_SCREENSHOTS=1 or a picture is missing there,
 * a temporary directory otherwise (so a plain test run leaves the checkout as it was).
 */
export function screenshotPath(name: string): string {
  const docs = path.join(__dirname, '..', '..', 'docs', 'console');
  const file = path.join(docs, `${name}.png`);
  if (process.env.UPDATE_CONSOLE_SCREENSHOTS === '1' || !fs.existsSync(file)) {
    fs.mkdirSync(docs, { recursive: true });
    return file;
  }
  const tmp = path.join(os.tmpdir(), 'hub-console-screenshots');
  fs.mkdirSync(tmp, { recursive: true });
  return path.join(tmp, `${name}.png`);
}
