/**
 * The API the views use. In Electron the preload exposes the typed API as `window.distillery`
 * (IPC); in a browser (serve mode) the same interface runs over HTTP + WebSocket.
 */
import { withWireErrors } from '../../shared/bridge';
import type { DistilleryApi } from '../../shared/api';
import { HttpApi } from './http-client';

declare global {
  interface Window {
    distillery?: DistilleryApi;
  }
}

export function createApi(w: { distillery?: DistilleryApi } | undefined = typeof window === 'undefined' ? undefined : window): DistilleryApi {
  // Errors cross contextBridge as plain WireError objects; rebuild them as DistilleryErrors here.
  return w?.distillery ? withWireErrors(w.distillery) : new HttpApi();
}

export const api: DistilleryApi = createApi();
export { HttpApi };
