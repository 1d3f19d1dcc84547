/** The role a call needs: its `role` fact in API_TABLE, lowered for the jobs any member may start. */
import { API_TABLE, type ApiCall } from './api';
import { MEMBER_JOBS, REVIEWER_JOBS, type Role } from './roles';

/** The least role call `call` with these arguments needs. */
export function requiredRole(call: ApiCall, args: unknown): Role {
  const need: Role = (API_TABLE[call] as { role?: Role }).role ?? 'annotator';
  if (call === 'jobs.start' && Array.isArray(args)) {
    const kind = (args[0] as { kind?: unknown } | null)?.kind;
    if ((MEMBER_JOBS as readonly unknown[]).includes(kind)) return 'annotator';
    if ((REVIEWER_JOBS as readonly unknown[]).includes(kind)) return 'reviewer';
  }
  return need;
}
