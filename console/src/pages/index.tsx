/** Which pages each role gets, in navigation order. */
import type { Session } from '../auth/session';
import { AuditPage } from './authority/AuditPage';
import { ExportsPage } from './authority/ExportsPage';
import { FlowPage } from './authority/FlowPage';
import { IndicatorsPage } from './authority/IndicatorsPage';
import { FollowUpsPage } from './clinic/FollowUpsPage';
import { PatientRecordPage } from './clinic/PatientRecordPage';
import { PatientsPage } from './clinic/PatientsPage';
import { ReferralsPage } from './clinic/ReferralsPage';
import { ReferUpPage } from './clinic/ReferUpPage';
import { WorklistPage } from './hospital/WorklistPage';
import { ReviewsPage } from './pharmacist/ReviewsPage';
import type { PageContext, PageDef } from './types';

const patients: PageDef = { path: 'patients', label: 'nav.patients', render: (ctx) => <PatientsPage ctx={ctx} /> };
const record: PageDef = { path: 'patient', label: 'record.title', hidden: true, render: (ctx) => <PatientRecordPage key={ctx.hash} ctx={ctx} /> };
const referUp: PageDef = { path: 'refer', label: 'record.referUp', hidden: true, render: (ctx) => <ReferUpPage key={ctx.hash} ctx={ctx} /> };
const referralsPage: PageDef = { path: 'referrals', label: 'nav.referrals', render: (ctx) => <ReferralsPage key={ctx.hash} ctx={ctx} /> };
const followUps: PageDef = { path: 'follow-ups', label: 'nav.followUps', render: (ctx) => <FollowUpsPage ctx={ctx} /> };
const worklist: PageDef = { path: 'worklist', label: 'nav.worklist', render: (ctx) => <WorklistPage ctx={ctx} /> };
const reviews: PageDef = { path: 'reviews', label: 'nav.reviews', render: (ctx) => <ReviewsPage ctx={ctx} /> };
const indicators: PageDef = { path: 'indicators', label: 'nav.indicators', render: () => <IndicatorsPage /> };
const flow: PageDef = { path: 'flow', label: 'nav.flow', render: () => <FlowPage /> };
const audit: PageDef = { path: 'audit', label: 'nav.audit', render: () => <AuditPage /> };
const exportsPage: PageDef = { path: 'exports', label: 'nav.exports', render: () => <ExportsPage /> };

export function pagesFor(role: Session['role']): PageDef[] {
  switch (role) {
    case 'clinic':
      return [patients, referralsPage, followUps, record, referUp];
    case 'hospital':
      return [worklist, patients, record];
    case 'pharmacist':
      return [reviews];
    case 'authority':
      return [indicators, flow, audit, exportsPage];
    case 'admin':
      return [patients, worklist, indicators, flow, audit, exportsPage, record];
  }
}

export function renderPage(page: PageDef, ctx: PageContext): React.ReactNode {
  return page.render(ctx);
}
