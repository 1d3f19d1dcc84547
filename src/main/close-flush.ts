/**
 * Closing the desktop window: the labels made since the last automatic backup still get one. The
 * window hides at once (so closing feels instant, and the page sees visibilitychange → hidden and
 * starts its backups), then closes when the page says it is done (its `distilleryBeforeClose`,
 * src/renderer/state/auto-backup.ts) or after `timeoutMs`: labels are in IndexedDB and the journal
 * anyway, so a slow backup never keeps the app from closing for long.
 */

/** What this needs of a BrowserWindow (so that a test can pass a small fake). */
export interface ClosableWindow {
  on(event: 'close', listener: (e: { preventDefault(): void }) => void): unknown;
  hide(): void;
  close(): void;
  isDestroyed(): boolean;
  webContents: { executeJavaScript(code: string): Promise<unknown> };
}

/** The page's hook; undefined where the page has none (not loaded yet, another page). */
export const BEFORE_CLOSE_HOOK = 'globalThis.distilleryBeforeClose?.()';

export function flushBeforeClose(win: ClosableWindow, o: { timeoutMs?: number; log?: (m: string) => void } = {}): void {
  let flushed = false;
  let flushing = false;
  win.on('close', (e) => {
    if (flushed) return;
    e.preventDefault();
    if (flushing) return;
    flushing = true;
    win.hide();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        o.log?.(`closing the window without waiting longer for its automatic backups (${o.timeoutMs ?? 30_000} ms)`);
        resolve();
      }, o.timeoutMs ?? 30_000);
    });
    const page = win.webContents.executeJavaScript(BEFORE_CLOSE_HOOK).then(
      () => undefined,
      (err: Error) => o.log?.(`the page's last backups failed: ${err.message}`),
    );
    void Promise.race([page, timeout]).then(() => {
      clearTimeout(timer);
      flushed = true;
      if (!win.isDestroyed()) win.close();
    });
  });
}
