/**
 * The job lease (src/jobs/lease.ts) and what it means for schedulers: of two schedulers on one store only one
 * runs a job at a time, the other skips; an expired lease (a hub that died mid-run) is taken over.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHubJobs } from '../../src/jobs/hub-jobs';
import { JobLease, leaseId } from '../../src/jobs/lease';
import { LOCKS } from '../../src/repository/documents';
import type { TestHub } from '../helpers/hub';
import { startTestHub } from '../helpers/hub';
import { ControlledJob, fakeClock } from './helpers';

let t: TestHub;
beforeAll(async () => {
  t = await startTestHub({ jobLeaseSeconds: 60 });
});
afterAll(async () => {
  await t.close();
});

const lockOf = async (job: string) => t.hub.engine.get(LOCKS, leaseId(job));

describe('JobLease', () => {
  it('is taken by one owner at a time, renewed by its holder, and free again once released', async () => {
    const clock = fakeClock('2026-11-01T02:00:00Z');
    const a = new JobLease({ engine: t.hub.engine, job: 'lease-basics', owner: 'hub-a', ttlMs: 60_000, now: clock.now });
    const b = new JobLease({ engine: t.hub.engine, job: 'lease-basics', owner: 'hub-b', ttlMs: 60_000, now: clock.now });
    expect(await a.acquire()).toBe(true);
    expect(await b.acquire()).toBe(false);
    expect(await lockOf('lease-basics')).toMatchObject({ owner: 'hub-a', expires: Date.parse('2026-11-01T02:01:00Z') });

    clock.advance(50_000);
    expect(await a.renew()).toBe(true);
    expect(await lockOf('lease-basics')).toMatchObject({ owner: 'hub-a', expires: Date.parse('2026-11-01T02:01:50Z') });
    clock.advance(30_000); // past the first expiry, not the renewed one
    expect(await b.acquire()).toBe(false);

    await a.release();
    expect(await b.acquire()).toBe(true);
    await b.release();
  });

  it('is taken over once it expired, and the old holder learns it lost it', async () => {
    const clock = fakeClock('2026-11-01T03:00:00Z');
    const dead = new JobLease({ engine: t.hub.engine, job: 'lease-expiry', owner: 'hub-dead', ttlMs: 60_000, now: clock.now });
    const live = new JobLease({ engine: t.hub.engine, job: 'lease-expiry', owner: 'hub-live', ttlMs: 60_000, now: clock.now });
    expect(await dead.acquire()).toBe(true);
    clock.advance(59_999);
    expect(await live.acquire()).toBe(false);
    clock.advance(1);
    expect(await live.acquire()).toBe(true);
    expect(await dead.renew()).toBe(false);
    expect(dead.isHeld).toBe(false);
    // The old holder's release leaves the new holder's lease alone.
    await dead.release();
    expect(await lockOf('lease-expiry')).toMatchObject({ owner: 'hub-live' });
    await live.release();
  });

  it('lets exactly one of many racing owners take it', async () => {
    const clock = fakeClock('2026-11-01T04:00:00Z');
    const leases = Array.from({ length: 8 }, (_, i) => new JobLease({ engine: t.hub.engine, job: 'lease-race', owner: `hub-${i}`, ttlMs: 60_000, now: clock.now }));
    const taken = await Promise.all(leases.map((l) => l.acquire()));
    expect(taken.filter(Boolean)).toHaveLength(1);
  });
});

describe('two schedulers on one store', () => {
  it('run a job one at a time: the second skips while the first runs, and runs once the lease is free', async () => {
    const clock = fakeClock('2026-11-01T05:00:00Z');
    const job = new ControlledJob('shared-job');
    const a = createHubJobs(t.hub, { now: clock.now, owner: 'hub-a', jobs: [job] });
    const b = createHubJobs(t.hub, { now: clock.now, owner: 'hub-b', jobs: [job] });
    a.start();
    b.start();
    try {
      job.hold();
      const first = a.trigger('shared-job');
      await job.started;
      const second = await b.trigger('shared-job');
      expect(second).toMatchObject({ status: 'skipped', reason: 'lease-held' });
      // The same scheduler does not start a second run of a job that is running either.
      expect(await a.trigger('shared-job')).toMatchObject({ status: 'skipped', reason: 'running' });
      job.release();
      expect(await first).toMatchObject({ status: 'ok', result: { done: 1 } });
      expect(await b.trigger('shared-job')).toMatchObject({ status: 'ok' });
      expect(job.runs).toBe(2);
      expect(a.metrics.get('shared-job')).toMatchObject({ runs: 1, skipped: 1, failures: 0 });
      expect(b.metrics.get('shared-job')).toMatchObject({ runs: 1, skipped: 1, failures: 0 });
    } finally {
      job.release();
      await a.stop();
      await b.stop();
    }
  });

  it('takes over the lease of a hub that died while running the job, once it expired', async () => {
    const clock = fakeClock('2026-11-01T06:00:00Z');
    const job = new ControlledJob('orphaned-job');
    // A hub took the lease and died: nobody renews or releases it.
    const died = new JobLease({ engine: t.hub.engine, job: 'orphaned-job', owner: 'hub-died', ttlMs: 60_000, now: clock.now });
    expect(await died.acquire()).toBe(true);
    const survivor = createHubJobs(t.hub, { now: clock.now, owner: 'hub-survivor', jobs: [job] });
    survivor.start();
    try {
      expect(await survivor.trigger('orphaned-job')).toMatchObject({ status: 'skipped', reason: 'lease-held' });
      clock.advance(60_000);
      expect(await survivor.trigger('orphaned-job')).toMatchObject({ status: 'ok' });
      expect(job.runs).toBe(1);
      // Released after the run: free for anyone at once.
      expect(await lockOf('orphaned-job')).toMatchObject({ owner: 'hub-survivor', expires: 0 });
    } finally {
      await survivor.stop();
    }
  });
});
