/** The separate metrics listener (HUB_METRICS_PORT / HUB_METRICS_HOST): started with the hub, stopped on close. */
import type { Server } from 'node:http';
import type express from 'express';

export class MetricsListener {
  private server?: Server;

  constructor(
    private readonly app: express.Express,
    readonly port: number,
    readonly host: string,
  ) {}

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const s = this.app.listen(this.port, this.host, () => resolve());
      s.on('error', reject);
      this.server = s;
    });
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
}
