import { createContext, useContext, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import type { MessageKey } from './messages';
import { en, zh } from './messages';

export type Language = 'zh' | 'en';
const DICTIONARIES: Record<Language, Record<MessageKey, string>> = { zh, en };
const STORAGE = 'hub-console.language';

export interface I18n {
  readonly language: Language;
  setLanguage(l: Language): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** Whether a key exists (rule codes from the server). */
  has(key: string): key is MessageKey;
  /** Dates and times in the language's format, in the region's time zone. */
  date(iso: string | undefined, withTime?: boolean): string;
}

const Context = createContext<I18n | undefined>(undefined);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(() => (localStorage.getItem(STORAGE) === 'en' ? 'en' : 'zh'));
  const value = useMemo<I18n>(() => {
    const dict = DICTIONARIES[language];
    const locale = language === 'zh' ? 'zh-CN' : 'en-GB';
    return {
      language,
      setLanguage(l) {
        localStorage.setItem(STORAGE, l);
        document.documentElement.lang = l === 'zh' ? 'zh-CN' : 'en';
        setLanguageState(l);
      },
      t(key, vars) {
        let s: string = dict[key];
        for (const [k, v] of Object.entries(vars ?? {})) s = s.replace(`{${k}}`, String(v));
        return s;
      },
      has: (key: string): key is MessageKey => key in dict,
      date(iso, withTime = false) {
        if (!iso) return '—';
        const d = new Date(iso);
        if (Number.isNaN(d.getTime())) return iso;
        return d.toLocaleString(locale, { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', ...(withTime ? { hour: '2-digit', minute: '2-digit' } : {}) });
      },
    };
  }, [language]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(Context);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
