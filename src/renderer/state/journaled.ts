/**
 * Who is told how many label events each journal append took: app.ts's syncJournal tells,
 * auto-backup.ts listens (a backup follows every N). Its own module so that those two need not
 * import each other (auto-backup.ts uses app.ts's state and journal sync).
 */
type JournaledListener = (projectId: string, n: number) => void;

const listeners: JournaledListener[] = [];

export function onJournaled(listener: JournaledListener): void {
  listeners.push(listener);
}

export function noteJournaled(projectId: string, n: number): void {
  for (const listener of listeners) listener(projectId, n);
}
