/** Memory of a child process, read from /proc/<pid>/status (Linux), in MB. */
import fs from 'node:fs';

export type MemoryField = 'VmRSS' | 'VmHWM' | 'RssAnon';

export function memoryOf(pid: number, field: MemoryField): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

export interface RssSampler {
  /** Stops sampling; the highest VmRSS and RssAnon seen while it ran (MB). */
  readonly stop: () => { readonly peakRssMb: number; readonly peakAnonMb: number };
}

/** Samples VmRSS and RssAnon of `pid` every `everyMs` until stopped: the peak of one phase, which VmHWM (the peak of the process's whole life, its start included) cannot give. */
export function sampleRss(pid: number, everyMs = 100): RssSampler {
  let peakRssMb = memoryOf(pid, 'VmRSS');
  let peakAnonMb = memoryOf(pid, 'RssAnon');
  const timer = setInterval(() => {
    try {
      peakRssMb = Math.max(peakRssMb, memoryOf(pid, 'VmRSS'));
      peakAnonMb = Math.max(peakAnonMb, memoryOf(pid, 'RssAnon'));
    } catch {
      // the process has exited
    }
  }, everyMs);
  timer.unref();
  return {
    stop: () => {
      clearInterval(timer);
      return { peakRssMb, peakAnonMb };
    },
  };
}
