/**
 * The Electron IPC channels of the API, shared by the preload (renderer side) and src/main/ipc.ts.
 *   CALL_CHANNEL  renderer → main: invoke(CALL_CHANNEL, name, args) → CallReply (src/shared/api-calls.ts)
 *   JOB_CHANNEL   main → renderer: every job status change, a bare JobStatus
 *   JOURNAL_CHANNEL main → renderer: every journal append that wrote events, a JournalNews
 */
export const CALL_CHANNEL = 'distillery:call';
export const JOB_CHANNEL = 'distillery:job';
export const JOURNAL_CHANNEL = 'distillery:journal';
