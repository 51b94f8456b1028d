/**
 * A resources-counting progress bar on stderr (cli-progress), shown only when asked for or when stderr
 * is a terminal, so that piping NDJSON to stdout stays clean.
 */
import { SingleBar } from 'cli-progress';

export interface Progress {
  add(resources: number): void;
  stop(): void;
}

const NO_PROGRESS: Progress = { add: () => undefined, stop: () => undefined };

export function createProgress(label: string, total: number, enabled: boolean): Progress {
  if (!enabled) {
    return NO_PROGRESS;
  }
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {value}/{total} resources | {rate}/s | ETA {eta_formatted}`,
    stream: process.stderr,
    hideCursor: true,
    etaBuffer: 50,
    fps: 5,
    noTTYOutput: !process.stderr.isTTY,
    notTTYSchedule: 2000,
  });
  const started = performance.now();
  let value = 0;
  bar.start(Math.max(total, 1), 0, { rate: 0 });
  return {
    add(resources: number): void {
      value += resources;
      const seconds = (performance.now() - started) / 1000;
      if (value > total) {
        bar.setTotal(value);
      }
      bar.update(value, { rate: seconds > 0 ? Math.round(value / seconds) : 0 });
    },
    stop(): void {
      bar.setTotal(value);
      bar.update(value);
      bar.stop();
    },
  };
}
