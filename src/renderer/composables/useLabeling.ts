/**
 * Keyboard-first labeling shared by Annotate and Review: a queue of documents, one current, label
 * writes serialised (each a strict Dexie transaction, then the journal), skip, and undo.
 */
import { computed, onBeforeUnmount, onMounted, ref, shallowRef, watch, type Ref } from 'vue';
import type { LabelEvent } from '../../shared/api';
import { labelForKey, sameLabels, toggleLabel, type LabelMeta, type LabelProgress } from '../db/logic';
import { getDoc, progress as loadProgress } from '../db/docs-repo';
import { history, recordSkip, setIgnored, undoLabels, writeLabels, type Undo } from '../db/labels-repo';
import type { DocRow, EventRow, LabelSource, ProjectRow } from '../db/types';
import { errorText, i18n } from '../i18n';
import { refreshStats, state, syncJournal, toast, writesAllowed } from '../state/app';
import { maybeRetrain } from '../state/live-loop';

type UndoEntry = { kind: 'label'; undo: Undo } | { kind: 'skip'; docId: string };

export interface LabelingOptions {
  project: Ref<ProjectRow | undefined>;
  /** Loads the next documents, leaving out the ones given. */
  load: (projectId: string, n: number, exclude: ReadonlySet<string>) => Promise<DocRow[]>;
  /** Action recorded when a hotkey sets labels: 'label' (annotate) or 'correct' (review). */
  keyAction: (doc: DocRow, labels: string[]) => LabelEvent['action'];
  /** Called after every write / undo (e.g. to refresh counts). */
  onChange?: () => void;
  batch?: number;
}

export function useLabeling(o: LabelingOptions) {
  const queue = shallowRef<DocRow[]>([]);
  const pinned = shallowRef<DocRow | null>(null);
  const skipped = ref(new Set<string>());
  const pending = ref<string[]>([]);
  const undoStack: UndoEntry[] = [];
  const events = shallowRef<EventRow[]>([]);
  const counts = ref<LabelProgress>({ total: 0, labeled: 0, perLabel: {}, bySource: {} });
  const loading = ref(true);
  const savedFlash = ref(0);
  const batch = o.batch ?? 40;
  let chain: Promise<unknown> = Promise.resolve();

  const current = computed<DocRow | undefined>(() => pinned.value ?? queue.value[0]);
  const schema = computed(() => o.project.value?.labels.map((l) => l.name) ?? []);
  const multi = computed(() => o.project.value?.task === 'multilabel');

  async function refill(reset = false): Promise<void> {
    const p = o.project.value;
    if (!p) return;
    const keep = reset ? [] : queue.value;
    const exclude = new Set([...skipped.value, ...keep.map((d) => d.id)]);
    if (pinned.value) exclude.add(pinned.value.id);
    const more = await o.load(p.id, batch - keep.length, exclude);
    queue.value = [...keep, ...more];
  }

  async function refreshCounts(): Promise<void> {
    const p = o.project.value;
    if (!p) return;
    counts.value = await loadProgress(p.id, schema.value);
  }

  function adjustCounts(
    before: readonly string[],
    after: readonly string[],
    source: LabelSource | undefined,
    prevSource: LabelSource | undefined,
  ): void {
    const c = counts.value;
    const perLabel = { ...c.perLabel };
    const bySource = { ...c.bySource };
    for (const l of before) perLabel[l] = (perLabel[l] ?? 1) - 1;
    for (const l of after) perLabel[l] = (perLabel[l] ?? 0) + 1;
    if (before.length) bySource[prevSource ?? 'human'] = (bySource[prevSource ?? 'human'] ?? 1) - 1;
    if (after.length) bySource[source ?? 'human'] = (bySource[source ?? 'human'] ?? 0) + 1;
    const labeled = c.labeled - (before.length ? 1 : 0) + (after.length ? 1 : 0);
    counts.value = { ...c, perLabel, bySource, labeled };
  }

  async function loadHistory(): Promise<void> {
    const p = o.project.value;
    const d = current.value;
    events.value = p && d ? await history(p.id, d.id) : [];
  }

  watch(
    () => current.value?.id,
    () => {
      pending.value = [];
      void loadHistory();
    },
  );

  // New model scores (a teacher's, or the live loop's naive Bayes) re-order the queue; the document
  // on screen stays (with its new suggestion) and only what comes after it changes.
  watch(
    () => {
      const p = o.project.value;
      return p?.teacherVersion || p?.queueModel
        ? `${p.teacherVersion ?? ''}|${p.queueModel?.version ?? ''}|${p.queueModel?.at ?? ''}`
        : '';
    },
    (v, old) => {
      if (!v || v === old) return;
      void requeue();
    },
  );

  /** Reloads the queue behind the document on screen, which stays (fresh from the database): new scores, a new routing team. */
  function requeue(): Promise<void> {
    return serial(async () => {
      const p = o.project.value;
      const d = current.value;
      if (p && d) pinned.value = (await getDoc(p.id, d.id)) ?? d;
      await refill(true);
    });
  }

  /** Runs an action after the previous one finished (key presses are never dropped or reordered). */
  function serial(fn: () => Promise<void>): Promise<void> {
    const next = chain.then(fn).catch((e) => {
      toast('error', errorText(e));
    });
    chain = next;
    return next;
  }

  function meta(source: LabelSource, modelVersion?: string): LabelMeta {
    return { source, who: state.user, at: new Date().toISOString(), ...(modelVersion ? { modelVersion } : {}) };
  }

  async function advance(doc: DocRow): Promise<void> {
    if (pinned.value?.id === doc.id) pinned.value = null;
    queue.value = queue.value.filter((d) => d.id !== doc.id);
    if (queue.value.length < 8) await refill();
  }

  function afterWrite(p: ProjectRow): void {
    savedFlash.value++;
    void syncJournal(p.id);
    void refreshStats(p.id);
    void maybeRetrain(p.id, counts.value.bySource.human ?? 0);
    o.onChange?.();
  }

  /** Writes labels on the current document and moves on. */
  function setLabels(
    labels: string[],
    action: LabelEvent['action'],
    source: LabelSource,
    modelVersion?: string,
  ): Promise<void> {
    return serial(async () => {
      const p = o.project.value;
      const doc = current.value;
      if (!p || !doc || !labels.length) return;
      // A full disk: nothing more is written until the journal takes events again.
      if (!(await writesAllowed(p.id))) return;
      const m = meta(source, modelVersion);
      const u = await writeLabels(p.id, doc.id, labels, m, action, schema.value);
      undoStack.push({ kind: 'label', undo: u });
      adjustCounts(
        u.before.labels,
        schema.value.filter((l) => labels.includes(l)),
        source,
        u.before.source,
      );
      await advance(doc);
      afterWrite(p);
    });
  }

  /** Enter: save the toggled labels (multi-label) or accept the model's suggestion. */
  function accept(): Promise<void> {
    const doc = current.value;
    if (!doc) return Promise.resolve();
    if (multi.value && pending.value.length) {
      const labels = [...pending.value];
      const same = sameLabels(labels, doc.suggestion);
      return setLabels(
        labels,
        same ? 'accept' : o.keyAction(doc, labels),
        same ? 'teacher' : 'human',
        same ? doc.modelVersion : undefined,
      );
    }
    if (doc.suggestion?.length) return setLabels([...doc.suggestion], 'accept', 'teacher', doc.modelVersion);
    return Promise.resolve();
  }

  function pressLabel(name: string): Promise<void> {
    const doc = current.value;
    if (!doc) return Promise.resolve();
    if (multi.value) {
      pending.value = toggleLabel(pending.value, name, 'multilabel');
      return Promise.resolve();
    }
    return setLabels([name], o.keyAction(doc, [name]), 'human');
  }

  function skip(): Promise<void> {
    return serial(async () => {
      const p = o.project.value;
      const doc = current.value;
      if (!p || !doc) return;
      if (!(await writesAllowed(p.id))) return;
      skipped.value.add(doc.id);
      undoStack.push({ kind: 'skip', docId: doc.id });
      await advance(doc);
      await recordSkip(p.id, doc, meta('human'));
      void syncJournal(p.id);
    });
  }

  function undo(): Promise<void> {
    return serial(async () => {
      const p = o.project.value;
      if (p && undoStack.length && !(await writesAllowed(p.id))) return;
      const last = undoStack.pop();
      if (!p || !last) {
        toast('info', i18n.global.t('annotate.nothingToUndo'));
        return;
      }
      const docId = last.kind === 'label' ? last.undo.docId : last.docId;
      if (last.kind === 'label') {
        const now = await getDoc(p.id, docId);
        await undoLabels(last.undo, state.user, schema.value);
        adjustCounts(now?.labels ?? [], last.undo.before.labels, last.undo.before.source, now?.source);
        afterWrite(p);
      } else {
        skipped.value.delete(docId);
        await setIgnored(p.id, docId, null, state.user);
        void syncJournal(p.id);
      }
      const doc = await getDoc(p.id, docId);
      if (doc) {
        pinned.value = doc;
        queue.value = queue.value.filter((d) => d.id !== docId);
      }
      await loadHistory();
    });
  }

  /**
   * Others' labels arrived (state/sync.ts replica.applied): the counts are read again, and queued
   * documents that `wanted` no longer accepts (read fresh: labeled by someone else, not routed to this
   * annotator) leave the queue. The document on screen stays: the annotator may be deciding on it.
   */
  function replicated(wanted: (fresh: DocRow) => boolean): Promise<void> {
    return serial(async () => {
      const p = o.project.value;
      if (!p) return;
      const onScreen = current.value?.id;
      const fresh = await Promise.all(queue.value.map((d) => (d.id === onScreen ? d : getDoc(p.id, d.id))));
      const gone = new Set(
        queue.value.filter((d, i) => d.id !== onScreen && (!fresh[i] || !wanted(fresh[i]))).map((d) => d.id),
      );
      if (gone.size) {
        queue.value = queue.value.filter((d) => !gone.has(d.id));
        if (queue.value.length < 8) await refill();
      }
      await refreshCounts();
    });
  }

  /** Brings this session's skipped documents back into the queue (skips are stored: see recordSkip). */
  function clearSkipped(): Promise<void> {
    return serial(async () => {
      const p = o.project.value;
      const ids = [...skipped.value];
      skipped.value = new Set();
      if (p) for (const id of ids) await setIgnored(p.id, id, null, state.user);
      if (p && ids.length) void syncJournal(p.id);
      await refill(true);
    });
  }

  function isTyping(t: EventTarget | null): boolean {
    const el = t as HTMLElement | null;
    if (!el || !el.tagName) return false;
    return el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
  }

  function onKey(e: KeyboardEvent): void {
    if (isTyping(e.target) || document.querySelector('[role="dialog"]')) return;
    const p = o.project.value;
    if (!p) return;
    if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === 'z' || e.key === 'Z')) {
      e.preventDefault();
      void undo();
      return;
    }
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      void accept();
    } else if (e.key === ' ' || e.key === 'Spacebar') {
      e.preventDefault();
      void skip();
    } else {
      const l = labelForKey(e.key, p.labels);
      if (l) {
        e.preventDefault();
        void pressLabel(l.name);
      }
    }
  }

  onMounted(async () => {
    window.addEventListener('keydown', onKey);
    try {
      await Promise.all([refill(true), refreshCounts()]);
    } catch (e) {
      toast('error', errorText(e));
    }
    loading.value = false;
    await loadHistory();
  });
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey));

  return {
    queue,
    current,
    pending,
    skipped,
    events,
    counts,
    loading,
    savedFlash,
    multi,
    schema,
    setLabels,
    accept,
    pressLabel,
    skip,
    undo,
    clearSkipped,
    refill,
    refreshCounts,
    replicated,
    requeue,
    reset: () =>
      serial(async () => {
        pinned.value = null;
        await refill(true);
        await refreshCounts();
      }),
  };
}
