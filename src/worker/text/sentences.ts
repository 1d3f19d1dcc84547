/**
 * Sentence splitting for hierarchical students (HAN): a text becomes the list of its sentences,
 * cut after Chinese and Western end punctuation and at line breaks. Runs on the raw text, before
 * normalization, because normalization turns line breaks into spaces.
 *
 * Rules (tokenizer-spec.md repeats them for exported models):
 * - a sentence ends after a run of the terminators 。！？；!?; (the run stays with its sentence, so
 *   "太好吃了！！！" keeps its emphasis);
 * - '.' is a terminator only when the next character is not an ASCII letter or digit, so decimals
 *   (3.5), domains (www.a.com) and e-mail addresses stay whole;
 * - CR and LF end a sentence and are dropped;
 * - sentences are trimmed; blank ones are dropped.
 */

const ALWAYS = new Set(['。', '！', '？', '；', '!', '?', ';']);
const ASCII_ALNUM = /[A-Za-z0-9]/;

function endsSentence(text: string, i: number): boolean {
  const ch = text[i]!;
  if (ALWAYS.has(ch)) return true;
  return ch === '.' && !ASCII_ALNUM.test(text[i + 1] ?? '');
}

const isTerminatorAt = (text: string, i: number) => i < text.length && (ALWAYS.has(text[i]!) || text[i] === '.');

export function splitSentences(text: string): string[] {
  const out: string[] = [];
  let start = 0;
  const push = (end: number) => {
    const s = text.slice(start, end).trim();
    if (s) out.push(s);
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\n' || ch === '\r') {
      push(i);
      start = i + 1;
    } else if (endsSentence(text, i)) {
      // Keep the whole run of end punctuation ("？！", "...") with this sentence.
      let j = i + 1;
      while (isTerminatorAt(text, j)) j++;
      push(j);
      start = j;
      i = j - 1;
    }
  }
  push(text.length);
  return out;
}
