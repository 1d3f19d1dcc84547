/** Hash routing (no server routes needed, works from file:// in Electron): #/ and #/p/<id>/<view>. */
import { reactive } from 'vue';

export type View = 'projects' | 'import' | 'annotate' | 'review' | 'adjudicate' | 'corpus' | 'train' | 'export';
export const PROJECT_VIEWS: View[] = ['import', 'annotate', 'review', 'adjudicate', 'corpus', 'train', 'export'];

export interface Route {
  view: View;
  projectId: string;
}

export function parseHash(hash: string): Route {
  const m = /^#\/p\/([^/]+)\/([a-z]+)/.exec(hash);
  if (m && (PROJECT_VIEWS as string[]).includes(m[2]))
    return { view: m[2] as View, projectId: decodeURIComponent(m[1]) };
  return { view: 'projects', projectId: '' };
}

export function hashOf(view: View, projectId = ''): string {
  return view === 'projects' || !projectId ? '#/' : `#/p/${encodeURIComponent(projectId)}/${view}`;
}

export const route = reactive<Route>(
  typeof location === 'undefined' ? { view: 'projects', projectId: '' } : parseHash(location.hash),
);

if (typeof window !== 'undefined') {
  window.addEventListener('hashchange', () => Object.assign(route, parseHash(location.hash)));
}

export function go(view: View, projectId = route.projectId): void {
  const h = hashOf(view, projectId);
  if (location.hash !== h) location.hash = h;
  Object.assign(route, parseHash(h));
}
