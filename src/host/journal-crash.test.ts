/**
 * Crash test of the label journal, the way SQLite tests crashes: N acknowledged events are written,
 * then the file is cut at every byte offset of the last record (a write torn by a crash or by
 * `truncate`) and at a sample of offsets of earlier records (a torn record an older version then
 * appended onto, or a damaged line in the middle), reopened, and one event appended. Every earlier
 * acknowledged event and the new one must read back, the sentinel must count what can be read, and
 * the bytes cut off must be in journal.torn.jsonl exactly.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LabelEvent } from '../shared/api';
import { Journal } from './journal';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'distillery-journal-crash-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const N = 6;
const PID = 'p';

/** Events with multi-byte text, so that cuts fall inside UTF-8 sequences too. */
const event = (i: number): LabelEvent => ({
  docId: `doc-${i}`,
  labels: i % 3 === 0 ? [] : [i % 2 ? 'positive' : 'negative'],
  source: 'human',
  who: '标注员',
  at: `2025-01-01T00:00:0${i}.000Z`,
  action: i % 3 === 0 ? 'undo' : 'label',
  text: `第${i}条：菜很好吃，送餐也快 👍 "quoted" \\ back`,
});
const fresh = event(99);

/** The labeled count the journal's events replay to (what the sentinel must say). */
function labeledCount(events: LabelEvent[]): number {
  const m = new Map<string, number>();
  for (const e of events) if (e.action !== 'skip') m.set(e.docId, e.labels.length);
  return [...m.values()].filter((n) => n > 0).length;
}

let caseNo = 0;

/** A project folder holding `journal` (and the sentinel the intact journal had). */
function folderWith(journal: Buffer, sentinel: string): string {
  const dir = path.join(tmp, `c${++caseNo}`);
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'journal.jsonl'), journal);
  writeFileSync(path.join(dir, 'labels.sentinel.json'), sentinel);
  return dir;
}

function tornBytes(dir: string): Buffer[] {
  let text = '';
  try {
    text = readFileSync(path.join(dir, 'journal.torn.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => Buffer.from((JSON.parse(l) as { base64: string }).base64, 'base64'));
}

/** Reopens, appends `fresh`, and checks what reads back against `expected` (then `fresh`). */
async function reopenAndAppend(dir: string, expected: LabelEvent[]): Promise<void> {
  const journal = new Journal(async () => dir);
  await journal.append(PID, [fresh]);
  const back = await journal.read(PID);
  expect(back).toEqual([...expected, fresh]);
  const raw = readFileSync(path.join(dir, 'journal.jsonl'), 'utf8');
  expect(raw.endsWith('\n')).toBe(true);
  for (const line of raw.slice(0, -1).split('\n')) JSON.parse(line);
  expect((await journal.sentinel(PID))?.labeledCount).toBe(labeledCount(back));
  expect(await journal.eventCount(PID)).toBe(back.length);
  // A restart reads the same.
  expect(await new Journal(async () => dir).read(PID)).toEqual(back);
}

describe('journal crash test: cut at every byte offset, reopen, append', async () => {
  const events = Array.from({ length: N }, (_, i) => event(i + 1));
  // As the journal writes them: each line ends with the seq the host gave the event.
  const lines = events.map((e, i) => Buffer.from(JSON.stringify({ ...e, seq: i + 1 }) + '\n', 'utf8'));
  const whole = Buffer.concat(lines);
  const starts = lines.map((_, i) => lines.slice(0, i).reduce((n, l) => n + l.length, 0));
  // The sentinel as the intact journal left it (it counts the record about to be torn).
  const src = path.join(tmp, 'source');
  mkdirSync(src);
  await new Journal(async () => src).append(PID, events);
  expect(readFileSync(path.join(src, 'journal.jsonl'))).toEqual(whole);
  const sentinel = readFileSync(path.join(src, 'labels.sentinel.json'), 'utf8');
  const last = N - 1;

  it(`the last record cut at each of its ${lines[last].length} byte offsets`, async () => {
    for (let cut = starts[last]; cut < whole.length; cut++) {
      const dir = folderWith(whole.subarray(0, cut), sentinel);
      const kept = cut - starts[last];
      // Cut just before its line end, the record is whole and is kept; otherwise its bytes are set aside.
      const lastWhole = kept === lines[last].length - 1;
      await reopenAndAppend(dir, lastWhole ? events : events.slice(0, last));
      expect(tornBytes(dir)).toEqual(kept === 0 || lastWhole ? [] : [whole.subarray(starts[last], cut)]);
    }
  });

  // Earlier records: torn, then the rest appended by an older version, glued on (the bug) or after a line end (a damaged line).
  const samples = [1, 2, 17, 40, 41, 80];
  for (const glued of [true, false]) {
    it(`a torn record in the middle, the next ${glued ? 'glued onto it' : 'on a line of its own'}: ${samples.length} offsets in each of records 1–${N - 1}`, async () => {
      for (let r = 0; r < last; r++) {
        for (const k of samples) {
          const torn = lines[r].subarray(0, k);
          const dir = folderWith(
            Buffer.concat([
              whole.subarray(0, starts[r]),
              torn,
              ...(glued ? [] : [Buffer.from('\n')]),
              whole.subarray(starts[r + 1]),
            ]),
            sentinel,
          );
          await reopenAndAppend(
            dir,
            events.filter((_, i) => i !== r),
          );
          expect(tornBytes(dir)).toEqual([torn]);
          const s = await new Journal(async () => dir).sentinel(PID);
          expect(s?.recovery).toMatchObject({ setAside: 1, salvaged: glued ? 1 : 0, lines: [r + 1], events: N - 1 });
        }
      }
    });
  }

  it('counts its cases', () => {
    const cases = lines[last].length + 2 * last * samples.length;
    console.log(
      `[journal crash test] ${cases} cases: ${lines[last].length} cuts of the last record + ${2 * last * samples.length} torn records in the middle`,
    );
    expect(caseNo).toBe(cases);
  });
});
