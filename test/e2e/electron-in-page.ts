/**
 * 'electron' for the preload when the desktop window is played by a Chromium page (desktop-window.ts):
 * bundled with the real preload (src/preload/index.ts) into the page's init script. contextBridge puts
 * the API on `window`; ipcRenderer.invoke goes to the test process's binding `__desktopInvoke` (main's
 * real IPC handler), and what main sends the window arrives through `__desktopEmit`.
 */
type Listener = (event: unknown, ...args: unknown[]) => void;
const w = window as unknown as Record<string, unknown> & {
  __desktopInvoke(channel: string, ...args: unknown[]): Promise<unknown>;
};
const listeners = new Map<string, Set<Listener>>();

w.__desktopEmit = (channel: string, message: unknown) => {
  for (const l of listeners.get(channel) ?? []) l({}, message);
};

export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown) {
    w[key] = api;
  },
};

export const ipcRenderer = {
  invoke: (channel: string, ...args: unknown[]) => w.__desktopInvoke(channel, ...args),
  on(channel: string, l: Listener) {
    if (!listeners.has(channel)) listeners.set(channel, new Set());
    listeners.get(channel)!.add(l);
    return ipcRenderer;
  },
  removeListener(channel: string, l: Listener) {
    listeners.get(channel)?.delete(l);
    return ipcRenderer;
  },
};
