/**
 * The notices of an overdue referral (docs/jobs.md#time-limits-and-escalation): one Communication per recipient
 * organization — the requester, the owner and the health authority — about the Task, with the patient as
 * subject and a text in Chinese and in English. The text names the Task, its time limit and its status, not
 * the patient or the diagnosis. Each notice has a fixed id per Task and recipient role, so it is written once.
 */
import { createHash } from 'node:crypto';
import type { Communication, Task } from '@medplum/fhirtypes';
import { CODE_SYSTEMS, IG_BASE } from '../../profiles/canonical';

export type NoticeRole = 'requester' | 'owner' | 'authority';

export interface NoticeRecipient {
  readonly role: NoticeRole;
  /** `Organization/{id}`. */
  readonly organization: string;
}

/** Identifier system of the notices the hub writes itself. */
export const NOTICE_IDENTIFIER_SYSTEM = `${IG_BASE}/sid/hub-notice`;
export const NOTIFICATION_CATEGORY = { system: 'http://terminology.hl7.org/CodeSystem/communication-category', code: 'notification', display: 'Notification' } as const;
export const HUB_SENDER = '健康共同体平台 Health Community Hub';

/** `overdue-<task id>-<role>`, or a digest of the Task id where that would exceed the 64 characters of an id. */
export function noticeId(taskId: string, role: NoticeRole): string {
  const plain = `overdue-${taskId}-${role}`;
  return plain.length <= 64 ? plain : `overdue-${createHash('sha256').update(taskId).digest('hex').slice(0, 40)}-${role}`;
}

const STATUS_ZH: Readonly<Partial<Record<Task['status'], string>>> = { requested: '待接收', received: '审核中' };

/** `2026-11-01 18:00` in Beijing time (UTC+8, no daylight saving). */
function beijing(iso: string | undefined): string {
  const ms = Date.parse(iso ?? '');
  return Number.isFinite(ms) ? new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ') : '—';
}

function texts(task: Task, role: NoticeRole): [zh: string, en: string] {
  const ref = `Task/${task.id ?? ''}`;
  const dueZh = `${beijing(task.restriction?.period?.end)}（北京时间）`;
  const dueEn = `${beijing(task.restriction?.period?.end)} Beijing time (UTC+8)`;
  const statusZh = STATUS_ZH[task.status] ?? task.status;
  switch (role) {
    case 'requester':
      return [
        `转诊超时提醒：贵机构发出的转诊（${ref}）应于${dueZh}前由接收机构处理，目前仍为“${statusZh}”。`,
        `Referral overdue: the referral your organization sent (${ref}) was to be acted on by the receiving organization by ${dueEn}; it is still ${task.status}.`,
      ];
    case 'owner':
      return [
        `转诊超时提醒：贵机构接收的转诊（${ref}）应于${dueZh}前接收或拒绝，目前仍为“${statusZh}”，请尽快处理。`,
        `Referral overdue: the referral sent to your organization (${ref}) was to be accepted or rejected by ${dueEn}; it is still ${task.status}. Please act on it now.`,
      ];
    case 'authority':
      return [
        `转诊超时提醒：辖区内的转诊（${ref}）超过处理时限（${dueZh}），目前仍为“${statusZh}”。`,
        `Referral overdue: a referral in the region (${ref}) passed its time limit (${dueEn}); it is still ${task.status}.`,
      ];
  }
}

/** The notice to one recipient that `task` is overdue, sent at `sent`. */
export function overdueNotice(task: Task, recipient: NoticeRecipient, sent: Date): Communication {
  const taskId = task.id ?? '';
  const [zh, en] = texts(task, recipient.role);
  const overdue = CODE_SYSTEMS.referralBusinessStatus;
  return {
    resourceType: 'Communication',
    id: noticeId(taskId, recipient.role),
    identifier: [{ system: NOTICE_IDENTIFIER_SYSTEM, value: `overdue-referral/Task/${taskId}/${recipient.role}` }],
    status: 'completed',
    category: [{ coding: [{ ...NOTIFICATION_CATEGORY }] }],
    ...(task.priority ? { priority: task.priority } : {}),
    ...(task.for?.reference ? { subject: { reference: task.for.reference } } : {}),
    about: [{ reference: `Task/${taskId}` }],
    sent: sent.toISOString(),
    recipient: [{ reference: recipient.organization }],
    sender: { display: HUB_SENDER },
    reasonCode: [{ coding: [{ system: overdue.url, code: 'overdue', display: overdue.codes.overdue }], text: '转诊超时 Referral overdue' }],
    payload: [{ contentString: zh }, { contentString: en }],
  };
}

/** The recipients of a notice, one per organization (a party that is also the authority is told once, as the party). */
export function distinctRecipients(candidates: ReadonlyArray<{ role: NoticeRole; organization: string | undefined }>): NoticeRecipient[] {
  const seen = new Set<string>();
  const out: NoticeRecipient[] = [];
  for (const { role, organization } of candidates) {
    if (!organization || seen.has(organization)) continue;
    seen.add(organization);
    out.push({ role, organization });
  }
  return out;
}
