/**
 * Export requests (Bulk Data Access, docs/export.md): kick off a system-level $export (de-identified for the
 * authority) and follow each one's status URL; the hub's X-Progress header says how far it is.
 */
import { useEffect, useState } from 'react';
import { Badge, Button, List, Stack, Table, Text, Title } from '@mantine/core';
import { request } from '../../fhir/client';
import { ErrorNotice } from '../../components/ErrorNotice';
import { Section } from '../../components/Section';
import { useI18n } from '../../i18n';

interface ExportJob {
  readonly url: string;
  readonly started: string;
  progress?: string;
  files?: string[];
  error?: unknown;
}

const STORE = 'hub-console.exports';
const TYPES = 'Patient,Condition,Observation,Encounter';

function saved(): ExportJob[] {
  try {
    return (JSON.parse(sessionStorage.getItem(STORE) ?? '[]') as ExportJob[]).map((j) => ({ url: j.url, started: j.started }));
  } catch {
    return [];
  }
}

export function ExportsPage() {
  const { t, date } = useI18n();
  const [jobs, setJobs] = useState<ExportJob[]>(saved);
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);

  useEffect(() => {
    sessionStorage.setItem(STORE, JSON.stringify(jobs.map((j) => ({ url: j.url, started: j.started }))));
  }, [jobs]);

  useEffect(() => {
    let live = true;
    void Promise.all(
      jobs.map(async (j): Promise<ExportJob> => {
        if (j.files) return j;
        try {
          const res = await request<{ output?: Array<{ type: string; url: string }> }>('GET', j.url);
          if (res.status === 202) return { ...j, progress: res.headers.get('X-Progress') ?? t('exports.running') };
          return { ...j, progress: t('exports.complete'), files: (res.body.output ?? []).map((o) => `${o.type}: ${o.url}`) };
        } catch (e) {
          return { ...j, error: e };
        }
      }),
    ).then((next) => live && setJobs(next));
    const timer = window.setTimeout(() => setTick((n) => n + 1), 3000);
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
    // Polls every 3 s while the page is open.
  }, [tick]);

  const start = async (): Promise<void> => {
    setError(undefined);
    try {
      const res = await request('GET', `$export?_type=${TYPES}`, undefined, { Prefer: 'respond-async' });
      const url = res.headers.get('Content-Location');
      if (url) setJobs([{ url, started: new Date().toISOString() }, ...jobs]);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <Stack>
      <Title order={2}>{t('exports.title')}</Title>
      {error ? <ErrorNotice error={error} onClose={() => setError(undefined)} /> : null}
      <Button w="fit-content" onClick={() => void start()}>
        {t('exports.start')}
      </Button>
      <Text size="sm" c="dimmed">
        _type={TYPES}
      </Text>
      <Section title={t('exports.title')} empty={jobs.length === 0}>
        <Table>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('referrals.sent')}</Table.Th>
              <Table.Th>{t('exports.progress')}</Table.Th>
              <Table.Th>{t('exports.files')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {jobs.map((j) => (
              <Table.Tr key={j.url}>
                <Table.Td>{date(j.started, true)}</Table.Td>
                <Table.Td>{j.error ? <ErrorNotice error={j.error} /> : <Badge variant="light">{j.progress ?? '…'}</Badge>}</Table.Td>
                <Table.Td>
                  <List size="xs">
                    {(j.files ?? []).map((f) => (
                      <List.Item key={f}>{f}</List.Item>
                    ))}
                  </List>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Section>
    </Stack>
  );
}
