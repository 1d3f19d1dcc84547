import { describe, expect, it } from 'vitest';
import { en } from './en';
import { pickLocale } from './locale';
import { zhCN } from './zh-CN';

function keys(o: unknown, prefix = ''): string[] {
  if (typeof o !== 'object' || o === null) return [prefix];
  return Object.entries(o).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
}

function placeholders(s: string): string[] {
  return [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
}

function get(o: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown>)[k], o);
}

describe('i18n', () => {
  it('zh-CN and en have the same keys and the same placeholders', () => {
    expect(keys(zhCN).sort()).toEqual(keys(en).sort());
    for (const k of keys(en)) {
      expect(placeholders(String(get(zhCN, k))), k).toEqual(placeholders(String(get(en, k))));
      expect(String(get(zhCN, k)).length, k).toBeGreaterThan(0);
    }
  });

  it('no message uses vue-i18n syntax by accident (| plural, @ link)', () => {
    for (const m of [en, zhCN]) for (const k of keys(m)) expect(String(get(m, k)), k).not.toMatch(/[|@]/);
  });

  it('follows the browser language unless the user chose one', () => {
    expect(pickLocale(null, ['zh-CN', 'en'])).toBe('zh-CN');
    expect(pickLocale(null, ['zh-TW'])).toBe('zh-CN');
    expect(pickLocale(null, ['en-GB', 'zh-CN'])).toBe('en');
    expect(pickLocale(null, ['fr-FR', 'zh'])).toBe('zh-CN');
    expect(pickLocale(null, ['fr-FR'])).toBe('en');
    expect(pickLocale('en', ['zh-CN'])).toBe('en');
    expect(pickLocale('zh-CN', ['en-US'])).toBe('zh-CN');
    expect(pickLocale('xx', ['en-US'])).toBe('en');
  });
});
