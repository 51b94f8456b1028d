/**
 * The indicators (docs/authority.md): each Measure evaluated with $evaluate-measure — monthly for the trend,
 * once over the period for the strata by clinic and by district. Aggregates only, as the authority may see.
 */
import { useMemo, useState } from 'react';
import { Grid, Select, Stack, Text, Title } from '@mantine/core';
import type { Measure, MeasureReport, MeasureReportGroup } from '@medplum/fhirtypes';
import { request, search } from '../../fhir/client';
import { Chart } from '../../components/Chart';
import { Section } from '../../components/Section';
import { useAsync } from '../../components/useAsync';
import { useI18n } from '../../i18n';

/** The hub's indicators (docs/authority.md), for a hub whose Measures are not stored as resources. */
const KNOWN: ReadonlyArray<Pick<Measure, 'id' | 'title'>> = [
  { id: 'chronic-registered', title: '慢病登记管理人数 Chronic patients registered' },
  { id: 'chronic-follow-up-rate', title: '慢病规范随访率 Follow-up rate' },
  { id: 'chronic-control-rate', title: '慢病控制率 Control rate' },
  { id: 'referral-count', title: '转诊数量 Referrals' },
  { id: 'referral-acceptance-rate', title: '转诊接收率 Referral acceptance rate' },
  { id: 'referral-time-to-acceptance', title: '转诊接收时长 Time to acceptance' },
  { id: 'referral-overdue', title: '超时转诊 Overdue referrals' },
  { id: 'online-prescriptions', title: '线上处方 Online prescriptions' },
  { id: 'prescription-review-rejections', title: '处方审核驳回 Review rejections' },
];

const iso = (d: Date): string => d.toISOString().slice(0, 10);

/** The last `n` whole months up to this one, as [start, end] dates. */
function months(n: number): Array<[string, string]> {
  const now = new Date();
  const out: Array<[string, string]> = [];
  for (let i = n - 1; i >= 0; i--) {
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i + 1, 0));
    out.push([iso(start), iso(end)]);
  }
  return out;
}

function scoreOf(g: MeasureReportGroup | { measureScore?: { value?: number }; population?: Array<{ count?: number }> } | undefined): number | undefined {
  const v = g?.measureScore?.value ?? g?.population?.[0]?.count;
  return v === undefined ? undefined : Math.round(v * 1000) / 1000;
}

async function evaluate(id: string, start: string, end: string): Promise<MeasureReport> {
  return (await request<MeasureReport>('GET', `Measure/${encodeURIComponent(id)}/$evaluate-measure?periodStart=${start}&periodEnd=${end}`)).body;
}

export function IndicatorsPage() {
  const { t } = useI18n();
  const measures = useAsync(async () => {
    const found = await search<Measure>('Measure?_count=50').catch(() => ({ matches: [] as Measure[] }));
    return { matches: found.matches.length > 0 ? found.matches : KNOWN.map((m): Measure => ({ resourceType: 'Measure', status: 'active', ...m })) };
  }, []);
  const [chosen, setChosen] = useState<string | null>(null);
  const id = chosen ?? measures.data?.matches[0]?.id ?? '';
  const periods = useMemo(() => months(6), []);
  const trend = useAsync(async () => (id ? Promise.all(periods.map(([s, e]) => evaluate(id, s, e))) : []), [id]);
  const whole = useAsync(async () => (id ? evaluate(id, periods[0][0], periods[periods.length - 1][1]) : undefined), [id]);
  const strata = (code: string): Array<[string, number]> =>
    (whole.data?.group?.[0]?.stratifier?.find((s) => s.code?.[0]?.text === code)?.stratum ?? [])
      .map((s): [string, number] => [s.value?.text ?? '?', scoreOf(s) ?? 0])
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15);
  const measure = measures.data?.matches.find((m) => m.id === id);
  return (
    <Stack>
      <Title order={2}>{t('indicators.title')}</Title>
      <Section title={t('indicators.choose')} loading={measures.loading} error={measures.error} empty={measures.data?.matches.length === 0}>
        <Select
          label={t('indicators.choose')}
          data={(measures.data?.matches ?? []).map((m) => ({ value: m.id ?? '', label: m.title ?? m.name ?? m.id ?? '' }))}
          value={id || null}
          onChange={setChosen}
          allowDeselect={false}
          maw={520}
        />
        {measure?.description ? (
          <Text size="sm" c="dimmed" mt="xs">
            {measure.description}
          </Text>
        ) : null}
      </Section>
      <Section title={`${measure?.title ?? ''} · ${t('indicators.trend')}`} loading={trend.loading} error={trend.error}>
        <Chart
          label={`${measure?.title ?? ''} ${t('indicators.trend')}`}
          option={{
            tooltip: { trigger: 'axis' },
            xAxis: { type: 'category', data: periods.map(([s]) => s.slice(0, 7)) },
            yAxis: { type: 'value', name: t('indicators.score') },
            series: (trend.data?.[0]?.group ?? []).map((g, gi) => ({
              name: g.code?.text ?? `#${gi + 1}`,
              type: 'line',
              data: (trend.data ?? []).map((r) => scoreOf(r.group?.[gi]) ?? null),
            })),
            legend: {},
          }}
        />
      </Section>
      <Grid>
        {(['clinic', 'district'] as const).map((code) => (
          <Grid.Col key={code} span={{ base: 12, md: 6 }}>
            <Section title={t(code === 'clinic' ? 'indicators.byClinic' : 'indicators.byDistrict')} loading={whole.loading} error={whole.error} empty={strata(code).length === 0}>
              <Chart
                label={t(code === 'clinic' ? 'indicators.byClinic' : 'indicators.byDistrict')}
                height={360}
                option={{
                  tooltip: { trigger: 'axis' },
                  grid: { left: 150 },
                  xAxis: { type: 'value' },
                  yAxis: { type: 'category', inverse: true, data: strata(code).map(([k]) => k.replace('Organization/', '')) },
                  series: [{ type: 'bar', data: strata(code).map(([, v]) => v), itemStyle: { color: '#1c5fb8' } }],
                }}
              />
            </Section>
          </Grid.Col>
        ))}
      </Grid>
    </Stack>
  );
}
