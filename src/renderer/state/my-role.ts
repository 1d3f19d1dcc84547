/**
 * The current user's role in the UI (state/role-gates.ts says what each role may do): in serve mode the
 * member this browser's token names (team.me); the desktop app's user is the owner and sees everything.
 */
import { computed } from 'vue';
import type { Role } from '../../shared/roles';
import { i18n } from '../i18n';
import { state } from './app';
import { mayOpen, mayUse, roleNeeded, type Gate } from './role-gates';
import type { View } from './route';

export const myRole = computed<Role>(() => state.member?.role ?? 'owner');

/** Whether the current user may use a control that makes this call. */
export function may(g: Gate): boolean {
  return mayUse(g, myRole.value);
}

export function mayView(v: View): boolean {
  return mayOpen(v, myRole.value);
}

type AccessText = 'access.needs' | 'access.viewDenied' | 'access.createDenied';

/** What a control or view the current user may not use says ("Needs the owner role …"); undefined where they may. */
export function needsRole(g: Gate, text: AccessText = 'access.needs'): string | undefined {
  if (may(g)) return undefined;
  const t = i18n.global.t;
  return t(text, { role: t(`team.roles.${roleNeeded(g)}`), mine: t(`team.roles.${myRole.value}`) });
}
