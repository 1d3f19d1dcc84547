/** Opening the two Dexie connections (schema.ts), and starting over when the database cannot be opened. */
import Dexie from 'dexie';
import { bulkDb, strictDb } from './schema';

export async function openDatabases(): Promise<void> {
  await strictDb.open();
  await bulkDb.open();
}

/** A database that cannot be opened (damaged, or from a newer version) is deleted and created anew. */
export async function resetDatabase(): Promise<void> {
  strictDb.close();
  bulkDb.close();
  await Dexie.delete(strictDb.name);
  await openDatabases();
}
