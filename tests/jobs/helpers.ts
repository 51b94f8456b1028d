/** Helpers of the job tests: a controllable clock, a job whose run the test finishes, and a log the test reads. */
import { Writable } from 'node:stream';
import type { Job, JobDeps, JobResult } from '../../src/jobs/job';
import type { Logger } from '../../src/logger';
import { createLogger } from '../../src/logger';

export interface FakeClock {
  readonly now: () => Date;
  set(iso: string | number): void;
  advance(ms: number): void;
}

export function fakeClock(start: string | number): FakeClock {
  let t = typeof start === 'number' ? start : Date.parse(start);
  return {
    now: () => new Date(t),
    set: (v) => {
      t = typeof v === 'number' ? v : Date.parse(v);
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** A job that counts its runs; while `hold()` is in force each run waits until `release()`. */
export class ControlledJob implements Job {
  runs = 0;
  private gate?: Promise<void>;
  private open?: () => void;
  private entered?: () => void;
  /** Resolves when a held run has started. */
  started: Promise<void> = Promise.resolve();
  lastDeps?: JobDeps;

  constructor(
    readonly name = 'test-job',
    readonly schedule = '*/5 * * * *',
    private readonly fail = false,
  ) {}

  hold(): void {
    this.gate = new Promise<void>((resolve) => (this.open = resolve));
    this.started = new Promise<void>((resolve) => (this.entered = resolve));
  }

  release(): void {
    this.open?.();
    this.gate = undefined;
  }

  async run(deps: JobDeps): Promise<JobResult> {
    this.runs++;
    this.lastDeps = deps;
    this.entered?.();
    if (this.gate) await this.gate;
    if (this.fail) throw new Error('the job broke');
    return { done: 1 };
  }
}

/** A logger whose JSON lines the test reads. */
export function memoryLog(level = 'debug'): { log: Logger; lines: () => Array<Record<string, unknown>> } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk.toString());
      callback();
    },
  });
  const log = createLogger(level, sink);
  const lines = (): Array<Record<string, unknown>> =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines };
}
