/**
 * The `deadline` search parameter of Task: its time limit, `Task.restriction.period.end` (docs/jobs.md#time-limits-and-escalation).
 * R4 has no search parameter on it (`period` is Task.executionPeriod, `modified` Task.lastModified), so the hub
 * defines one, put in force with the implementation guide's parameters in src/app.ts: `Task?deadline=lt2026-11-01T10:00:00Z`
 * is an index range like any date search, and the overdue job finds its candidates with it.
 */
import type { SearchParameter } from '@medplum/fhirtypes';
import { IG_BASE } from '../../profiles/canonical';

export const TASK_DEADLINE_CODE = 'deadline';

export const TASK_DEADLINE_PARAMETER: SearchParameter = {
  resourceType: 'SearchParameter',
  id: 'task-deadline',
  url: `${IG_BASE}/SearchParameter/task-deadline`,
  name: TASK_DEADLINE_CODE,
  status: 'active',
  description: 'The time limit of a Task (Task.restriction.period.end): by when its owner should act on it',
  code: TASK_DEADLINE_CODE,
  base: ['Task'],
  type: 'date',
  expression: 'Task.restriction.period.end',
};
