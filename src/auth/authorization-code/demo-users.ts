/**
 * The demo region's people, one per role, created on the first start beside the demo clients. Their
 * passwords are published in docs/console.md: for a local demo only — never keep them on a hub others can reach
 * (suspend them with `npm run user -- suspend --username <name>`).
 */
import type { DemoOrganizations } from '../demo-clients';
import type { NewUser, UserRegistry } from './users';

export function demoUsers(orgs: DemoOrganizations): NewUser[] {
  const ref = (id: string): string => `Organization/${id}`;
  // The clinic that manages 徐慧梅 (pat-0000003, docs/demo.md) when the region has it: the last example clinic.
  const clinic = orgs.clinics[orgs.clinics.length - 1] ?? 'org-clinic-050';
  return [
    { username: 'clinic', name: '张立新 (社区医生)', password: 'clinic-demo-2026', organization: ref(clinic), role: 'clinic' },
    { username: 'hospital', name: '李文博 (互联网医院医生)', password: 'hospital-demo-2026', organization: ref(orgs.hospital), role: 'hospital' },
    { username: 'pharmacist', name: '王静 (药师)', password: 'pharmacist-demo-2026', organization: ref(orgs.pharmacy), role: 'pharmacist' },
    { username: 'authority', name: '陈卫东 (卫健委)', password: 'authority-demo-2026', organization: ref(orgs.authority), role: 'authority' },
    { username: 'admin', name: '系统管理员 Administrator', password: 'admin-demo-2026', organization: ref(orgs.authority), role: 'admin' },
  ];
}

/** Adds the demo users that do not exist yet; returns their names. */
export async function addDemoUsers(users: UserRegistry, list: readonly NewUser[]): Promise<string[]> {
  const added: string[] = [];
  for (const u of list) {
    if (await users.get(u.username)) continue;
    await users.add(u);
    added.push(u.username);
  }
  return added;
}
