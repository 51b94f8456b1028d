/**
 * The console shell: sign-in, the role's navigation and the page shown. Routing is a small piece of state
 * mirrored in the URL hash (#/patients, #/patient/pat-0000003 …), so a page can be reloaded and linked.
 */
import { useEffect, useState } from 'react';
import { AppShell, Badge, Burger, Button, Center, Group, NavLink, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import type { Session } from './auth/session';
import { completeSignIn, currentSession, signIn, signOut } from './auth/session';
import { ErrorNotice } from './components/ErrorNotice';
import { useI18n } from './i18n';
import type { MessageKey } from './i18n/messages';
import { pagesFor, renderPage } from './pages';

function useHash(): [string, (h: string) => void] {
  const [hash, setHash] = useState(() => window.location.hash.slice(1));
  useEffect(() => {
    const on = (): void => setHash(window.location.hash.slice(1));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return [hash, (h: string) => {
    window.location.hash = h;
  }];
}

function LanguageSwitch() {
  const { language, setLanguage, t } = useI18n();
  return (
    <SegmentedControl
      aria-label={t('app.language')}
      size="xs"
      value={language}
      onChange={(v) => setLanguage(v === 'en' ? 'en' : 'zh')}
      data={[
        { value: 'zh', label: '中文' },
        { value: 'en', label: 'English' },
      ]}
    />
  );
}

function SignInScreen({ problem }: { problem?: unknown }) {
  const { t } = useI18n();
  const [error, setError] = useState<unknown>(problem);
  return (
    <Center mih="100vh" p="md">
      <Stack maw={460} w="100%" gap="md">
        <Group justify="space-between">
          <Title order={1} size="h2">
            {t('app.title')}
          </Title>
          <LanguageSwitch />
        </Group>
        <Text c="dimmed">{t('app.subtitle')}</Text>
        <Text>{t('app.welcome')}</Text>
        {error ? <ErrorNotice error={error} /> : null}
        <Button size="md" onClick={() => signIn().catch((e: unknown) => setError(e instanceof Error && e.message === 'insecure-context' ? new Error(t('app.insecure')) : e))}>
          {t('app.signIn')}
        </Button>
      </Stack>
    </Center>
  );
}

export function App() {
  const { t } = useI18n();
  const [session, setSession] = useState<Session | undefined>(() => currentSession());
  const [problem, setProblem] = useState<unknown>();
  const [callback, setCallback] = useState(() => window.location.pathname.endsWith('/callback'));
  const [hash, go] = useHash();
  const [opened, { toggle, close }] = useDisclosure();

  useEffect(() => {
    if (!callback) return;
    completeSignIn(window.location.search).then(
      (s) => setSession(s),
      (e: unknown) => setProblem(e),
    ).finally(() => {
      window.history.replaceState(null, '', '/console/');
      setCallback(false);
    });
  }, [callback]);

  // A token that expires sends the person back to sign in (no refresh tokens).
  useEffect(() => {
    if (!session) return undefined;
    const timer = window.setTimeout(() => {
      signOut();
      setSession(undefined);
      setProblem(new Error(t('app.sessionExpired')));
    }, Math.max(0, session.expiresAt - Date.now()));
    return () => window.clearTimeout(timer);
  }, [session, t]);

  if (callback) return <Center mih="100vh">{t('app.signingIn')}</Center>;
  if (!session) return <SignInScreen problem={problem} />;

  const pages = pagesFor(session.role);
  const current = pages.find((p) => hash === p.path || hash.startsWith(`${p.path}/`)) ?? pages.find((p) => hash.startsWith(p.path.split('/')[0])) ?? pages[0];
  return (
    <AppShell header={{ height: 60 }} navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="md">
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="menu" />
            <Title order={1} size="h4">
              {t('app.title')}
            </Title>
            <Badge variant="light" visibleFrom="xs">
              {t(`role.${session.role}` as MessageKey)}
            </Badge>
          </Group>
          <Group gap="sm" wrap="nowrap">
            <Text size="sm" visibleFrom="md" data-testid="who">
              {session.name} · {session.organization.replace('Organization/', '')}
            </Text>
            <LanguageSwitch />
            <Button
              variant="default"
              size="xs"
              onClick={() => {
                signOut();
                setSession(undefined);
              }}
            >
              {t('app.signOut')}
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="navigation">
        {pages.filter((p) => !p.hidden).map((p) => (
          <NavLink
            key={p.path}
            href={`#${p.path}`}
            label={t(p.label)}
            active={p === current}
            onClick={() => close()}
          />
        ))}
      </AppShell.Navbar>
      <AppShell.Main>
        <div aria-live="polite">{renderPage(current, { session, hash, go })}</div>
      </AppShell.Main>
    </AppShell>
  );
}
