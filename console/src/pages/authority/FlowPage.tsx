/** The referral flow between tiers, counted (aggregates only): up and down, by state. */
import { Stack, Table, Title } from '@mantine/core';
import { count } from '../../fhir/client';
import { REFERRAL_DIRECTION } from '../../fhir/display';
import { Chart } from '../../components/Chart';
import { Section } from '../../components/Section';
import { useAsync } from '../../components/useAsync';
import { useI18n } from '../../i18n';

const STATES = ['draft', 'requested', 'accepted', 'in-progress', 'completed', 'rejected', 'cancelled'];

export function FlowPage() {
  const { t } = useI18n();
  const data = useAsync(async () => {
    const dirs = ['up', 'down'] as const;
    const rows = await Promise.all(
      dirs.map(async (d) => ({
        direction: d,
        total: await count(`ServiceRequest?category=${encodeURIComponent(`${REFERRAL_DIRECTION}|${d}`)}`),
      })),
    );
    const byStateAll = await Promise.all(STATES.map((s) => count(`Task?code=${encodeURIComponent('http://hl7.org/fhir/CodeSystem/task-code|fulfill')}&status=${s}`)));
    return { rows, byStateAll };
  }, []);
  return (
    <Stack>
      <Title order={2}>{t('flow.title')}</Title>
      <Section title={t('flow.title')} loading={data.loading} error={data.error}>
        <Chart
          label={t('flow.title')}
          option={{
            tooltip: { trigger: 'axis' },
            xAxis: { type: 'category', data: STATES },
            yAxis: { type: 'value', name: t('flow.count') },
            series: [{ type: 'bar', data: data.data?.byStateAll ?? [], itemStyle: { color: '#1c5fb8' } }],
          }}
        />
        <Table mt="md">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('referrals.direction')}</Table.Th>
              <Table.Th>{t('flow.count')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.data?.rows.map((r) => (
              <Table.Tr key={r.direction}>
                <Table.Td>{t(r.direction === 'up' ? 'referrals.up' : 'referrals.down')}</Table.Td>
                <Table.Td>{r.total}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Section>
    </Stack>
  );
}
