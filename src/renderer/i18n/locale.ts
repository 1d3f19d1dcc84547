/** Locale choice, pure: a stored choice wins, else the first zh* / en* of the browser's languages. */
export type Locale = 'zh-CN' | 'en';
export const LOCALES: Locale[] = ['zh-CN', 'en'];
export const LOCALE_KEY = 'distillery.locale';

export function pickLocale(stored: string | null | undefined, languages: readonly string[]): Locale {
  if (stored === 'zh-CN' || stored === 'en') return stored;
  for (const l of languages) {
    const x = l.toLowerCase();
    if (x.startsWith('zh')) return 'zh-CN';
    if (x.startsWith('en')) return 'en';
  }
  return 'en';
}
