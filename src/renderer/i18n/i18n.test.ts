import { describe, expect, it } from 'vitest';
import { DistilleryError } from '../../shared/errors';
import { en } from './en';
import { errorText, i18n } from './index';
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

  it('says a cancellation in the UI language only (the worker’s detail is English)', () => {
    const e = new DistilleryError('CANCELLED', 'α sweep cancelled before its first α finished', {});
    const before = i18n.global.locale.value;
    try {
      i18n.global.locale.value = 'zh-CN';
      expect(errorText(e)).toBe('已取消。');
      // Other errors keep the backend's precise message after the translated summary.
      expect(errorText(new DistilleryError('INPUT_EMPTY', 'empty.csv: the file is empty', {}))).toBe(
        '文件中没有可用的行。 empty.csv: the file is empty',
      );
      i18n.global.locale.value = 'en';
      expect(errorText(e)).toBe('α sweep cancelled before its first α finished');
    } finally {
      i18n.global.locale.value = before;
    }
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
