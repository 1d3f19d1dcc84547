/**
 * The live loop's naive Bayes takes the project's text options from the Train view's saved form: t2s
 * and the two files' paths when set, nothing from an empty field, a form without them or bad JSON.
 */
import { describe, expect, it } from 'vitest';
import { textOptionsOfForm, trainFormKey } from './text-options';

describe('textOptionsOfForm', () => {
  it('takes t2s and the files the form names, trimmed', () => {
    const form = {
      student: { epochs: 3 },
      text: { t2s: true, truncate: 'head', userDict: ' dict.txt ', stopwords: 'stop.txt' },
    };
    expect(textOptionsOfForm(JSON.stringify(form))).toEqual({ t2s: true, userDict: 'dict.txt', stopwords: 'stop.txt' });
  });

  it('leaves out empty fields, and gives nothing for no form, a form without text options or bad JSON', () => {
    expect(textOptionsOfForm(JSON.stringify({ text: { t2s: false, userDict: '', stopwords: '  ' } }))).toEqual({
      t2s: false,
    });
    for (const json of [null, '{}', '{"teacher":{}}', 'null', '{not json', '{"text":"x"}'])
      expect(textOptionsOfForm(json)).toEqual({});
  });

  it("the key is the Train view's form key for the project", () => {
    expect(trainFormKey('p1')).toBe('distillery.train.p1');
  });
});
