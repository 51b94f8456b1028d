/** The clinic's residents: search by name or resident ID number; open a record by id. */
import { useState } from 'react';
import { Button, Group, Stack, Table, TextInput, Title } from '@mantine/core';
import type { Patient } from '@medplum/fhirtypes';
import { search } from '../../fhir/client';
import { nameOf, residentId, RESIDENT_ID } from '../../fhir/display';
import { Section } from '../../components/Section';
import { useAsync } from '../../components/useAsync';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/messages';
import type { PageContext } from '../types';

const ID_NUMBER = /^\d{17}[\dXx]$/;

export function queryFor(text: string, organization: string): string {
  const q = text.trim();
  if (!q) return `Patient?organization=${encodeURIComponent(organization)}&_count=20`;
  if (ID_NUMBER.test(q)) return `Patient?identifier=${encodeURIComponent(`${RESIDENT_ID}|${q.toUpperCase()}`)}`;
  return `Patient?name=${encodeURIComponent(q)}&_count=20`;
}

export function PatientsPage({ ctx }: { ctx: PageContext }) {
  const { t, date } = useI18n();
  const [text, setText] = useState('');
  const [query, setQuery] = useState(() => queryFor('', ctx.session.organization));
  const [id, setId] = useState('');
  const { data, error, loading } = useAsync(() => search<Patient>(query), [query]);
  return (
    <Stack>
      <Title order={2}>{t('nav.patients')}</Title>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(queryFor(text, ctx.session.organization));
        }}
      >
        <Group align="end">
          <TextInput label={t('patients.searchLabel')} placeholder={t('patients.search')} value={text} onChange={(e) => setText(e.currentTarget.value)} style={{ flex: 1, minWidth: 220 }} name="patient-search" />
          <Button type="submit">{t('patients.find')}</Button>
        </Group>
      </form>
      <Section title={t('nav.patients')} loading={loading} error={error} empty={data?.matches.length === 0}>
        <Table.ScrollContainer minWidth={560}>
          <Table striped highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('patients.name')}</Table.Th>
                <Table.Th>{t('patients.gender')}</Table.Th>
                <Table.Th>{t('patients.birthDate')}</Table.Th>
                <Table.Th>{t('patients.idNumber')}</Table.Th>
                <Table.Th />
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {data?.matches.map((p) => (
                <Table.Tr key={p.id}>
                  <Table.Td>{nameOf(p)}</Table.Td>
                  <Table.Td>{t(`gender.${p.gender ?? 'unknown'}` as MessageKey)}</Table.Td>
                  <Table.Td>{date(p.birthDate)}</Table.Td>
                  <Table.Td>{residentId(p) ?? '—'}</Table.Td>
                  <Table.Td>
                    <Button size="xs" variant="light" component="a" href={`#patient/${p.id ?? ''}`} aria-label={`${t('patients.open')} ${nameOf(p)}`}>
                      {t('patients.open')}
                    </Button>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Section>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (id.trim()) ctx.go(`patient/${encodeURIComponent(id.trim())}`);
        }}
      >
        <Group align="end">
          <TextInput label={t('patients.idLabel')} value={id} onChange={(e) => setId(e.currentTarget.value)} name="patient-id" />
          <Button type="submit" variant="default">
            {t('patients.openById')}
          </Button>
        </Group>
      </form>
    </Stack>
  );
}
