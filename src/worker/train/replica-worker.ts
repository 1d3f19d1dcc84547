/**
 * A worker thread's replica loop: wait for a command, do this replica's part, meet the others at
 * the barrier, finish the command. Blocking waits (Atomics.wait) are fine here: this thread has
 * nothing else to do, and the main thread terminates it at the end of the run.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { initBackend } from '../backend/tfjs-backend';
import { Student } from '../models/student';
import type { StudentConfig, StudentParams } from '../models/student-config';
import type { LossOptions } from './batch';
import { Replica } from './replica';
import {
  arrive,
  CMD,
  CMD_HASH,
  CMD_STEP,
  CMD_STOP,
  FAILED,
  GO,
  ARRIVE,
  sharedTrainSet,
  waitArrivals,
  type SharedLayout,
} from './replica-shared';

export interface ReplicaInit {
  layout: SharedLayout;
  rank: number;
  backend: string;
  config: StudentConfig;
  params: StudentParams;
  seed: number;
  learningRate: number;
  loss: LossOptions;
}

export type ReplicaMessage = { type: 'ready' } | { type: 'error'; message: string; stack?: string };

const init = workerData as ReplicaInit;
const ctrl = new Int32Array(init.layout.ctrl);
const post = (m: ReplicaMessage) => parentPort!.postMessage(m);

try {
  await initBackend(init.backend);
  const student = Student.fromParams(init.config, init.params, init.seed);
  const vars = init.layout.vars.map((v) => student.vars[v.name]);
  const replica = new Replica(
    student,
    vars,
    init.layout,
    init.rank,
    sharedTrainSet(init.layout),
    init.learningRate,
    init.loss,
  );
  post({ type: 'ready' });
  const n = init.layout.replicas;
  let seen = 0;
  let barriers = 0;
  for (;;) {
    while (Atomics.load(ctrl, GO) === seen) Atomics.wait(ctrl, GO, seen);
    seen = Atomics.load(ctrl, GO);
    const cmd = Atomics.load(ctrl, CMD);
    if (cmd === CMD_STOP) break;
    if (cmd === CMD_STEP) replica.computeShard();
    else if (cmd === CMD_HASH) replica.writeHash();
    arrive(ctrl, ++barriers, n);
    if (!waitArrivals(ctrl, barriers * n)) break; // another replica failed, or the run was aborted
    if (cmd !== CMD_STEP) continue;
    if (init.layout.sync === 'replicated') {
      replica.applySum();
      continue;
    }
    replica.skipUpdate();
    arrive(ctrl, ++barriers, n); // replica 0 arrives here once it has published the weights
    if (!waitArrivals(ctrl, barriers * n)) break;
    replica.loadWeights();
  }
  replica.dispose();
  student.dispose();
} catch (e) {
  // Tell the main thread at once through shared memory (it may be blocked in a barrier), then why.
  Atomics.store(ctrl, FAILED, init.rank + 1);
  Atomics.notify(ctrl, ARRIVE);
  post({
    type: 'error',
    message: e instanceof Error ? e.message : String(e),
    stack: e instanceof Error ? e.stack : undefined,
  });
}
