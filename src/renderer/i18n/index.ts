/** UI text in zh-CN and en: follows the browser / OS language until the user picks one. */
import { createI18n } from 'vue-i18n';
import { DistilleryError } from '../../shared/errors';
import { en } from './en';
import { LOCALE_KEY, pickLocale, type Locale } from './locale';
import { zhCN } from './zh-CN';

function storedLocale(): string | null {
  try {
    return localStorage.getItem(LOCALE_KEY);
  } catch {
    return null;
  }
}

export const i18n = createI18n({
  legacy: false,
  locale: pickLocale(
    storedLocale(),
    typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]),
  ),
  fallbackLocale: 'en',
  messages: { en, 'zh-CN': zhCN },
  // Messages hold no HTML; Vue escapes interpolations.
  warnHtmlMessage: false,
});

export function setLocale(l: Locale): void {
  i18n.global.locale.value = l;
  document.documentElement.lang = l;
  try {
    localStorage.setItem(LOCALE_KEY, l);
  } catch {
    /* private mode: the choice lasts this session */
  }
}

/** A user-facing message for any error: the backend's message, prefixed by what its code means. */
export function errorText(e: unknown): string {
  const t = i18n.global.t;
  if (e instanceof DistilleryError) {
    if (e.details?.status === 401) return t('errors.unauthorized');
    // The backend's messages are English and precise; other languages get a translated summary first.
    const key = `errors.${e.code}`;
    const hint = i18n.global.locale.value !== 'en' && i18n.global.te(key) ? t(key) : '';
    // A cancellation says all there is to say: the worker's detail ("α sweep cancelled before its
    // first α finished") would be the one English sentence on a translated page.
    if (e.code === 'CANCELLED' && hint) return hint;
    return e.code === 'INTERNAL' || !hint ? e.message : `${hint} ${e.message}`;
  }
  if (e && typeof e === 'object' && 'name' in e && (e as { name: string }).name === 'QuotaExceededError')
    return t('errors.quota');
  if (
    e &&
    typeof e === 'object' &&
    'inner' in e &&
    (e as { inner?: { name?: string } }).inner?.name === 'QuotaExceededError'
  )
    return t('errors.quota');
  return e instanceof Error ? e.message : String(e);
}

export type { Locale };
