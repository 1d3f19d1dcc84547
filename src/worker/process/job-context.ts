/** What a worker job is given by whoever runs it (the worker process, the CLI, tests): its own module so that the jobs and runJob's dispatch need not import each other. */
import type { CancelToken, ProgressSink } from '../../shared/progress';

export interface JobContext {
  projectFolder: string;
  onProgress: ProgressSink;
  cancel: CancelToken;
}
