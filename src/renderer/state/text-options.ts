/**
 * The project's text options (t2s, a jieba user dictionary, a stop-word list) are what the Train view's
 * form holds, kept per project in localStorage under trainFormKey. The Train view sends them with every
 * training; the live loop's naive Bayes (the 'fast-prelabel' job) takes them from here, so that it reads
 * text as the project's models do.
 */
import type { JobOptionsOf } from '../../shared/job-options';

/** Where the Train view keeps its form for a project (TrainView.vue). */
export const trainFormKey = (projectId: string): string => `distillery.train.${projectId}`;

/** The text options in a saved Train view form (its JSON), as job options; those not set (or unreadable) are left out. */
export function textOptionsOfForm(json: string | null): JobOptionsOf<'fast-prelabel'> {
  let text: { t2s?: unknown; userDict?: unknown; stopwords?: unknown } | undefined;
  try {
    text = (JSON.parse(json ?? '{}') as { text?: typeof text } | null)?.text;
  } catch {
    return {};
  }
  if (!text || typeof text !== 'object') return {};
  const file = (v: unknown) => (typeof v === 'string' && v.trim() ? { value: v.trim() } : undefined);
  const userDict = file(text.userDict);
  const stopwords = file(text.stopwords);
  return {
    ...(typeof text.t2s === 'boolean' ? { t2s: text.t2s } : {}),
    ...(userDict ? { userDict: userDict.value } : {}),
    ...(stopwords ? { stopwords: stopwords.value } : {}),
  };
}

/** The project's saved text options (none where localStorage cannot be read). */
export function savedTextOptions(projectId: string): JobOptionsOf<'fast-prelabel'> {
  try {
    return textOptionsOfForm(localStorage.getItem(trainFormKey(projectId)));
  } catch {
    return {};
  }
}
