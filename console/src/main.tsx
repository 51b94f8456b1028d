import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import { createTheme, MantineProvider } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { I18nProvider } from './i18n';

// Contrast: primary shade 8 of blue on white is above WCAG AA for text and controls.
const theme = createTheme({
  primaryColor: 'blue',
  primaryShade: 8,
  fontFamily: 'system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif',
  defaultRadius: 'md',
});

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <MantineProvider theme={theme}>
      <Notifications position="top-right" />
      <I18nProvider>
        <App />
      </I18nProvider>
    </MantineProvider>,
  );
}
