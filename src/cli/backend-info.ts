/** Starts the compute backend and says which one runs, and why better ones were skipped. */
import { initBackend, type BackendInfo } from '../worker/backend/tfjs-backend';
import { info } from './progress';

export async function announceBackend(only?: string): Promise<BackendInfo> {
  const b = await initBackend(only);
  const skipped = b.skipped.map((s) => `${s.name}: ${s.reason}`).join('; ');
  info(
    `backend: ${b.name}${b.addedKernels.length ? ` (+ ${b.addedKernels.join(', ')})` : ''}${skipped ? ` — skipped ${skipped}` : ''}`,
  );
  return b;
}
