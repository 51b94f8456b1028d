/**
 * The job scheduler (src/jobs/scheduler.ts) and its wiring in the hub: HUB_JOBS, schedules from configuration,
 * one log line and a count per run, a failing run reported (not thrown), a job fired by its cron schedule.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { getTasks } from 'node-cron';
import { loadConfig } from '../../src/config';
import { SYSTEM } from '../../src/context';
import { createHubJobs } from '../../src/jobs/hub-jobs';
import { leaseId } from '../../src/jobs/lease';
import { LOCKS } from '../../src/repository/documents';
import { INDICATOR_JOB } from '../../src/analytics/daily-job';
import { CHRONIC_FOLLOW_UP_JOB } from '../../src/workflow/chronic/follow-up-job';
import { OVERDUE_JOB } from '../../src/workflow/referral/overdue-job';
import type { TestHub } from '../helpers/hub';
import { startTestHub } from '../helpers/hub';
import { ControlledJob, fakeClock, memoryLog } from './helpers';

const ourCronTasks = (): string[] =>
  [...getTasks().values()].filter((task) => task.getStatus() !== 'destroyed').map((task) => task.name ?? '').filter((name) => name.startsWith('hub-job:'));

describe('HUB_JOBS and the hub', () => {
  it('HUB_JOBS=false: a listening hub schedules no job', async () => {
    const t = await startTestHub({ jobs: false, port: 0, host: '127.0.0.1' });
    try {
      await t.hub.listen();
      expect(t.hub.jobs.scheduled).toEqual([]);
      expect(ourCronTasks()).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('HUB_JOBS=true (the default): listen() schedules the jobs on their configured schedules, close() stops them', async () => {
    expect(loadConfig({}).jobs).toBe(true);
    const t = await startTestHub({ port: 0, host: '127.0.0.1', overdueReferralSchedule: '*/2 * * * *' });
    try {
      expect(t.hub.jobs.scheduled).toEqual([]); // created, not listening: nothing runs (tests, seed loads, the first-run demo load)
      await t.hub.listen();
      expect([...t.hub.jobs.scheduled].sort()).toEqual([CHRONIC_FOLLOW_UP_JOB, INDICATOR_JOB, OVERDUE_JOB].sort());
      const task = [...getTasks().values()].find((x) => x.name === `hub-job:${OVERDUE_JOB}`);
      expect(task?.getPattern()).toBe('*/2 * * * *');
    } finally {
      await t.close();
    }
    expect(t.hub.jobs.scheduled).toEqual([]);
  });

  it('reads the schedule settings from the environment and refuses malformed ones', () => {
    const config = loadConfig({ HUB_JOBS: 'off', HUB_JOB_OVERDUE_SCHEDULE: '0 */10 * * * *', HUB_JOB_LEASE: '30', HUB_HEALTH_AUTHORITY: 'Organization/org-health-authority' });
    expect(config).toMatchObject({ jobs: false, overdueReferralSchedule: '0 */10 * * * *', jobLeaseSeconds: 30, healthAuthority: 'Organization/org-health-authority' });
    expect(loadConfig({}).overdueReferralSchedule).toBe('*/5 * * * *');
    expect(() => loadConfig({ HUB_JOB_OVERDUE_SCHEDULE: 'every five minutes' })).toThrow(/HUB_JOB_OVERDUE_SCHEDULE/);
    expect(() => loadConfig({ HUB_JOB_LEASE: '0' })).toThrow(/HUB_JOB_LEASE/);
    expect(() => loadConfig({ HUB_HEALTH_AUTHORITY: 'org-health-authority' })).toThrow(/HUB_HEALTH_AUTHORITY/);
  });
});

describe('runs', () => {
  let t: TestHub;
  beforeAll(async () => {
    t = await startTestHub();
  });
  afterAll(async () => {
    await t.close();
  });

  it('gives the job a system context on the injected clock, logs one line per run and counts it', async () => {
    const clock = fakeClock('2026-11-01T08:00:00Z');
    const { log, lines } = memoryLog();
    const job = new ControlledJob('logged-job');
    const jobs = createHubJobs({ ...t.hub, log }, { now: clock.now, jobs: [job] });
    const report = await jobs.trigger('logged-job');
    expect(report).toMatchObject({ job: 'logged-job', status: 'ok', started: new Date('2026-11-01T08:00:00Z'), result: { done: 1 } });
    const ctx = job.lastDeps?.ctx;
    expect(ctx?.identity).toEqual(SYSTEM);
    expect(ctx?.now().toISOString()).toBe('2026-11-01T08:00:00.000Z');
    expect(ctx?.requestId).toMatch(/^job-logged-job-/);
    const runLines = lines().filter((l) => l.job === 'logged-job' && (l.msg === 'job run' || l.msg === 'job failed'));
    expect(runLines).toEqual([expect.objectContaining({ level: 30, msg: 'job run', started: '2026-11-01T08:00:00.000Z', ms: expect.any(Number), result: { done: 1 } })]);
    expect(jobs.metrics.snapshot()).toEqual({ 'logged-job': expect.objectContaining({ runs: 1, failures: 0, skipped: 0, lastStatus: 'ok' }) });
  });

  it('reports a failing run, counts the failure, frees the lease and keeps going', async () => {
    const clock = fakeClock('2026-11-01T09:00:00Z');
    const { log, lines } = memoryLog();
    const job = new ControlledJob('broken-job', '*/5 * * * *', true);
    const jobs = createHubJobs({ ...t.hub, log }, { now: clock.now, jobs: [job] });
    expect(await jobs.trigger('broken-job')).toMatchObject({ status: 'failed', error: 'the job broke' });
    expect(await jobs.trigger('broken-job')).toMatchObject({ status: 'failed' });
    expect(jobs.metrics.get('broken-job')).toMatchObject({ runs: 2, failures: 2, lastStatus: 'failed' });
    const failed = lines().filter((l) => l.msg === 'job failed');
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatchObject({ level: 50, job: 'broken-job', started: '2026-11-01T09:00:00.000Z', err: expect.objectContaining({ message: 'the job broke' }) });
    expect(await t.hub.engine.get(LOCKS, leaseId('broken-job'))).toMatchObject({ owner: jobs.owner, expires: 0 });
  });

  it('runs a job by hand when jobs are switched off (no schedule), still under its lease', async () => {
    const job = new ControlledJob('manual-job');
    const jobs = createHubJobs({ ...t.hub, config: { ...t.hub.config, jobs: false } }, { now: () => new Date('2026-11-01T10:00:00Z'), jobs: [job] });
    jobs.start();
    expect(jobs.scheduled).toEqual([]);
    expect(await jobs.trigger('manual-job')).toMatchObject({ status: 'ok' });
    await expect(jobs.trigger('no-such-job')).rejects.toThrow(/no job named no-such-job/);
  });

  it('fires a job when its cron schedule comes due (fake timers: no real waiting)', async () => {
    const job = new ControlledJob('cron-job', '*/5 * * * *');
    jest.useFakeTimers({ now: Date.parse('2026-11-01T00:04:58Z'), doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask', 'performance', 'hrtime'] });
    const jobs = createHubJobs(t.hub, { now: () => new Date(), jobs: [job] });
    try {
      jobs.start();
      const task = [...getTasks().values()].find((x) => x.name === 'hub-job:cron-job' && x.getStatus() !== 'destroyed');
      const finished = new Promise<void>((resolve) => task?.once('execution:finished', () => resolve()));
      await jest.advanceTimersByTimeAsync(1_000);
      expect(job.runs).toBe(0);
      await jest.advanceTimersByTimeAsync(1_500); // 00:05:00 passes
      await finished;
      expect(job.runs).toBe(1);
      expect(jobs.metrics.get('cron-job')).toMatchObject({ runs: 1, lastStatus: 'ok', lastStarted: '2026-11-01T00:05:00.000Z' });
      await jest.advanceTimersByTimeAsync(4 * 60_000); // nothing due before 00:10:00
      expect(job.runs).toBe(1);
    } finally {
      await jobs.stop();
      jest.useRealTimers();
    }
  });
});
