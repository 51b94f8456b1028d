/** A refusal in plain words: the rule's message, else the status's, with the hub's own explanation below. */
import { Alert, Text } from '@mantine/core';
import { HubError } from '../fhir/client';
import { useI18n } from '../i18n';
import type { I18n } from '../i18n';

export function plainWords(error: unknown, i18n: I18n): { headline: string; detail?: string } {
  if (error instanceof HubError) {
    const ruleKey = `rule.${error.rule ?? ''}`;
    const statusKey = `status.${error.status}`;
    const headline = error.rule && i18n.has(ruleKey) ? i18n.t(ruleKey) : i18n.has(statusKey) ? i18n.t(statusKey) : i18n.t('error.generic');
    return { headline, detail: error.text || undefined };
  }
  if (error instanceof TypeError) return { headline: i18n.t('error.network') };
  return { headline: i18n.t('error.generic'), detail: error instanceof Error ? error.message : String(error) };
}

export function ErrorNotice({ error, onClose }: { error: unknown; onClose?: () => void }) {
  const i18n = useI18n();
  if (!error) return null;
  const { headline, detail } = plainWords(error, i18n);
  return (
    <Alert color="red" title={i18n.t('error.title')} role="alert" withCloseButton={Boolean(onClose)} onClose={onClose} closeButtonLabel={i18n.t('app.close')} data-testid="refusal">
      <Text fw={600}>{headline}</Text>
      {detail ? (
        <Text size="sm" mt={4}>
          {i18n.t('error.server')} {detail}
        </Text>
      ) : null}
    </Alert>
  );
}
