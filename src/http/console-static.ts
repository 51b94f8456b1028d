/**
 * The console (console/, a Vite + React single-page app) served at /console from its built tree
 * console/dist (`npm run build:console`). Every path below /console that is not a file answers the app's
 * index.html, so /console/callback (the sign-in redirect) and reloads work. The pages get their own
 * Content-Security-Policy: scripts only from the hub, no inline script; inline styles are allowed because
 * Mantine sets CSS variables in style attributes; connections only to the hub itself (FHIR and /oauth2).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { RequestHandler, Response } from 'express';
import express from 'express';
import { packageRoot } from '../ops/package-root';

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

export function consoleDist(): string {
  return path.join(packageRoot(), 'console', 'dist');
}

function policy(res: Response): void {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
}

/** The router for /console; answers 503 with a hint when the console was not built. */
export function consoleRouter(dir: string = consoleDist()): express.Router {
  const router = express.Router();
  const index = path.join(dir, 'index.html');
  const withPolicy: RequestHandler = (_req, res, next) => {
    policy(res);
    next();
  };
  router.use(withPolicy);
  router.get('/', (req, res, next) => {
    // /console → /console/ so that the app's relative asset paths resolve.
    if (req.originalUrl === '/console') res.redirect(301, '/console/');
    else next();
  });
  // Hashed asset names: cache for a year; index.html: always revalidate.
  router.use('/assets', express.static(path.join(dir, 'assets'), { immutable: true, maxAge: '365d', fallthrough: false, index: false }));
  router.get('/{*rest}', (_req, res) => {
    if (!fs.existsSync(index)) {
      res.status(503).type('text/plain; charset=utf-8').send('The console is not built: run `npm run build:console` (npm start does it for you).\n');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
  return router;
}
