/** The audit trail of one resident's record: AuditEvent?entity=Patient/{id}, newest first. */
import { useState } from 'react';
import { Badge, Button, Group, Stack, Table, TextInput, Title } from '@mantine/core';
import type { AuditEvent } from '@medplum/fhirtypes';
import { search } from '../../fhir/client';
import { Section } from '../../components/Section';
import { useAsync } from '../../components/useAsync';
import { useI18n } from '../../i18n';

export function AuditPage() {
  const { t, date } = useI18n();
  const [text, setText] = useState('pat-0000003');
  const [patient, setPatient] = useState<string>();
  const events = useAsync(async () => (patient ? (await search<AuditEvent>(`AuditEvent?entity=${encodeURIComponent(`Patient/${patient}`)}&_sort=-date&_count=50`)).matches : undefined), [patient]);
  return (
    <Stack>
      <Title order={2}>{t('audit.title')}</Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setPatient(text.trim() || undefined);
        }}
      >
        <Group align="end">
          <TextInput label={t('audit.patient')} value={text} onChange={(e) => setText(e.currentTarget.value)} name="audit-patient" />
          <Button type="submit">{t('audit.show')}</Button>
        </Group>
      </form>
      {patient ? (
        <Section title={`${t('audit.title')} · Patient/${patient}`} loading={events.loading} error={events.error} empty={events.data?.length === 0}>
          <Table.ScrollContainer minWidth={640}>
            <Table striped>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>{t('audit.when')}</Table.Th>
                  <Table.Th>{t('audit.who')}</Table.Th>
                  <Table.Th>{t('audit.what')}</Table.Th>
                  <Table.Th>{t('audit.outcome')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {events.data?.map((e) => {
                  const who = e.agent?.find((a) => a.requestor) ?? e.agent?.[0];
                  return (
                    <Table.Tr key={e.id}>
                      <Table.Td>{date(e.recorded, true)}</Table.Td>
                      <Table.Td>
                        {who?.who?.display ?? '—'} · {who?.who?.reference?.replace('Organization/', '') ?? ''}
                        {who?.purposeOfUse?.length ? (
                          <Badge color="orange" ml={4}>
                            BTG
                          </Badge>
                        ) : null}
                      </Table.Td>
                      <Table.Td>{e.subtype?.map((s) => s.display ?? s.code).join(' ') || e.action}</Table.Td>
                      <Table.Td>
                        <Badge color={e.outcome === '0' ? 'green' : 'red'} variant="light">
                          {e.outcome === '0' ? 'OK' : (e.outcomeDesc ?? e.outcome)}
                        </Badge>
                      </Table.Td>
                    </Table.Tr>
                  );
                })}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Section>
      ) : null}
    </Stack>
  );
}
