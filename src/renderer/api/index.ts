/**
 * The API the views use. In Electron the preload exposes the typed API as `window.distillery`
 * (IPC); in a browser (serve mode) the same interface runs over HTTP + WebSocket.
 */
import { withWireErrors } from '../../shared/bridge';
import type { AppApi } from '../../shared/api';
import { HttpApi } from './http-client';

declare global {
  interface Window {
    distillery?: AppApi;
  }
}

export function createApi(
  w: { distillery?: AppApi } | undefined = typeof window === 'undefined' ? undefined : window,
): AppApi {
  // Errors cross contextBridge as plain WireError objects; rebuild them as DistilleryErrors here.
  return w?.distillery ? withWireErrors(w.distillery) : new HttpApi();
}

/** `api.desktop` exists in the desktop app only (Electron's preload); serve mode's HttpApi has none. */
export const api: AppApi = createApi();
export { HttpApi };
