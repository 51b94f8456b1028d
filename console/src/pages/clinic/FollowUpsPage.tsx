/** Chronic-care follow-ups the clinic owes: Tasks hub-task-code#chronic-follow-up, overdue first, then by due date. */
import { Badge, Stack, Table, Text, Title } from '@mantine/core';
import type { CarePlan, Patient, Task } from '@medplum/fhirtypes';
import { search } from '../../fhir/client';
import { byRef, HUB_TASK_CODE, isOverdue, nameOf, refText } from '../../fhir/display';
import { Section } from '../../components/Section';
import { useAsync } from '../../components/useAsync';
import { useI18n } from '../../i18n';
import type { PageContext } from '../types';

export function FollowUpsPage({ ctx }: { ctx: PageContext }) {
  const { t, date } = useI18n();
  const org = encodeURIComponent(ctx.session.organization);
  const { data, error, loading } = useAsync(async () => {
    const res = await search<Task>(`Task?owner=${org}&code=${encodeURIComponent(`${HUB_TASK_CODE}|chronic-follow-up`)}&status=requested&_include=Task:patient&_include=Task:based-on&_count=200`);
    const refs = byRef(res.included);
    const due = (x: Task): string => x.restriction?.period?.end ?? '9999';
    return res.matches
      .map((task) => ({ task, patient: refs.get(task.for?.reference ?? '') as Patient | undefined, plan: refs.get(task.basedOn?.[0]?.reference ?? '') as CarePlan | undefined, overdue: isOverdue(task) }))
      .sort((a, b) => Number(b.overdue) - Number(a.overdue) || due(a.task).localeCompare(due(b.task)));
  }, [org]);
  const overdue = data?.filter((r) => r.overdue).length ?? 0;
  return (
    <Stack>
      <Title order={2}>{t('followUps.title')}</Title>
      <Text>
        {t('followUps.overdue')}: <b>{overdue}</b> · {t('followUps.upcoming')}: <b>{(data?.length ?? 0) - overdue}</b>
      </Text>
      <Section title={t('followUps.title')} loading={loading} error={error} empty={data?.length === 0}>
        <Table.ScrollContainer minWidth={560}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('referrals.patient')}</Table.Th>
                <Table.Th>{t('followUps.program')}</Table.Th>
                <Table.Th>{t('followUps.due')}</Table.Th>
                <Table.Th>{t('record.status')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data?.map(({ task, patient, plan, overdue: late }) => (
                <Table.Tr key={task.id} bg={late ? 'var(--mantine-color-red-light)' : undefined}>
                  <Table.Td>
                    <a href={`#patient/${(task.for?.reference ?? '').replace('Patient/', '')}`}>{patient ? nameOf(patient) : refText(task.for)}</a>
                  </Table.Td>
                  <Table.Td>{plan?.title ?? refText(task.basedOn?.[0])}</Table.Td>
                  <Table.Td>{date(task.restriction?.period?.end)}</Table.Td>
                  <Table.Td>
                    {late ? (
                      <Badge color="red">{t('followUps.overdue')}</Badge>
                    ) : (
                      <Badge variant="light">{t('followUps.upcoming')}</Badge>
                    )}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Section>
    </Stack>
  );
}
