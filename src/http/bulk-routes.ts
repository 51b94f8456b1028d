/**
 * The Bulk Data status and file endpoints (docs/export.md): `GET|DELETE /fhir/$export-status/{job}` and
 * `GET /fhir/$export-file/{job}/{file}`. Mounted by src/http/app.ts behind the same authentication and rate
 * limit as /fhir; the export service answers only the client that started the job (404 for everyone else).
 * Files stream from disk as `application/fhir+ndjson`.
 */
import fs from 'node:fs';
import express from 'express';
import type { Response } from 'express';
import { ANONYMOUS } from '../context';
import type { BulkAnswer, ExportService } from '../export/service';
import type { HubRequest } from './hub-request';
import { renderError } from './render';

function write(res: Response, answer: BulkAnswer): void {
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  const text = JSON.stringify(answer.body);
  res.status(answer.status).setHeader('Content-Type', `${answer.type}; charset=utf-8`);
  res.setHeader('Cache-Control', 'no-store');
  res.end(text);
}

const param = (value: string | string[] | undefined): string => (Array.isArray(value) ? value.join('/') : (value ?? ''));

export function bulkStatusRoutes(service: ExportService): express.Router {
  const router = express.Router();
  router.get('/:id', (req: HubRequest, res) => {
    service.status(req.identity ?? ANONYMOUS, param(req.params.id)).then((a) => write(res, a), (error: unknown) => renderError(error, req, res));
  });
  router.delete('/:id', (req: HubRequest, res) => {
    service.cancel(req.identity ?? ANONYMOUS, param(req.params.id)).then((a) => write(res, a), (error: unknown) => renderError(error, req, res));
  });
  return router;
}

export function bulkFileRoutes(service: ExportService): express.Router {
  const router = express.Router();
  router.get('/:id/:name', (req: HubRequest, res) => {
    service.file(req.identity ?? ANONYMOUS, param(req.params.id), param(req.params.name)).then(
      (file) => {
        const stream = fs.createReadStream(file);
        stream.once('open', () => {
          res.status(200).setHeader('Content-Type', 'application/fhir+ndjson');
          res.setHeader('Cache-Control', 'no-store');
          stream.pipe(res);
        });
        stream.once('error', (error) => renderError(error, req, res));
      },
      (error: unknown) => renderError(error, req, res),
    );
  });
  return router;
}
