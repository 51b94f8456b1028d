/** A table of referrals with their state; overdue rows are marked in words and colour. */
import { Badge, Table, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { businessStatusOf, isOverdue, nameOf, refText } from '../fhir/display';
import { useI18n } from '../i18n';
import type { MessageKey } from '../i18n/messages';
import type { Referral } from './clinic/referrals';
import { directionOf } from './clinic/referrals';

export function age(authoredOn: string | undefined, t: (k: MessageKey, v?: Record<string, number>) => string): string {
  if (!authoredOn) return '—';
  const hours = Math.max(0, (Date.now() - Date.parse(authoredOn)) / 3_600_000);
  return hours < 48 ? t('worklist.hours', { n: Math.round(hours) }) : t('worklist.days', { n: Math.round(hours / 24) });
}

export function ReferralTable({ rows, actions, showAge }: { rows: readonly Referral[]; actions?: (r: Referral) => ReactNode; showAge?: boolean }) {
  const { t, date } = useI18n();
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>{t('referrals.patient')}</Table.Th>
            <Table.Th>{t('referrals.direction')}</Table.Th>
            <Table.Th>{t('referrals.priority')}</Table.Th>
            <Table.Th>{t('referrals.reason')}</Table.Th>
            <Table.Th>{t('referrals.from')}</Table.Th>
            <Table.Th>{t('referrals.to')}</Table.Th>
            <Table.Th>{showAge ? t('worklist.age') : t('referrals.sent')}</Table.Th>
            <Table.Th>{t('referrals.due')}</Table.Th>
            <Table.Th>{t('referrals.state')}</Table.Th>
            {actions ? <Table.Th>{t('worklist.actions')}</Table.Th> : null}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {rows.map((r) => {
            const overdue = isOverdue(r.task);
            const dir = directionOf(r.request);
            return (
              <Table.Tr key={r.task.id} data-task={r.task.id} bg={overdue ? 'var(--mantine-color-red-light)' : undefined} data-overdue={overdue || undefined}>
                <Table.Td>
                  <a href={`#patient/${(r.task.for?.reference ?? '').replace('Patient/', '')}`}>{r.patient ? nameOf(r.patient) : refText(r.task.for)}</a>
                </Table.Td>
                <Table.Td>{dir ? t(dir === 'up' ? 'referrals.up' : 'referrals.down') : '—'}</Table.Td>
                <Table.Td>
                  <Badge color={r.task.priority === 'routine' || !r.task.priority ? 'gray' : 'orange'} variant="light">
                    {t(`priority.${r.task.priority ?? 'routine'}` as MessageKey)}
                  </Badge>
                </Table.Td>
                <Table.Td>{r.request?.reasonCode?.[0]?.coding?.[0]?.display ?? r.request?.reasonCode?.[0]?.text ?? '—'}</Table.Td>
                <Table.Td>{refText(r.task.requester)}</Table.Td>
                <Table.Td>{refText(r.task.owner)}</Table.Td>
                <Table.Td>{showAge ? age(r.task.authoredOn, t) : date(r.task.authoredOn)}</Table.Td>
                <Table.Td>
                  {date(r.task.restriction?.period?.end, true)}
                  {overdue ? (
                    <Text span c="red.9" fw={700} ml={4}>
                      {t('referrals.overdue')}
                    </Text>
                  ) : null}
                </Table.Td>
                <Table.Td>
                  <Badge variant="outline">{businessStatusOf(r.task)}</Badge>
                </Table.Td>
                {actions ? <Table.Td>{actions(r)}</Table.Td> : null}
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
