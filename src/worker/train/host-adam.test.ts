import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/tfjs-backend';
import { nativeKernels } from '../backend/native-kernels';
import { HostAdam, fusedAdamAvailable } from './host-adam';
import { makeStudentConfig } from '../models/registry';
import { Student } from '../models/student';
import { singleLabelLoss } from './losses';

beforeAll(async () => {
  await initBackend('wasm');
});

function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
}

/** Three variables, `steps` updates with fixed random gradients (every variable every step: tfjs's Adam
 * pairs moments with gradients by position, so a missing one would shift its pairing). */
function run(make: () => tf.Optimizer, steps: number): Float32Array[] {
  const r = rng(7);
  const shapes = [[50, 8], [8], [3, 4, 5]];
  const vars = shapes.map((s, i) =>
    tf.variable(
      tf.tensor(Float32Array.from({ length: s.reduce((a, b) => a * b, 1) }, r), s),
      true,
      `hostadam_${i}_${Math.random()}`,
    ),
  );
  const opt = make();
  for (let step = 0; step < steps; step++) {
    const grads: tf.NamedTensorMap = {};
    vars.forEach((v) => {
      // Wide range of magnitudes, zeros included: the rounding of every operation shows.
      grads[v.name] = tf.tensor(
        Float32Array.from({ length: v.size }, () => (r() > 0.8 ? 0 : r() * 10 ** (4 * r()))),
        v.shape,
      );
    });
    opt.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  const out = vars.map((v) => v.dataSync() as Float32Array);
  opt.dispose();
  vars.forEach((v) => v.dispose());
  return out;
}

const built = nativeKernels()?.adamStep !== undefined;
if (!built)
  console.warn('host-adam.test: the native kernels (adamStep) are not built; HostAdam runs the update of tfjs');

describe.skipIf(!built)('HostAdam (the fused Adam update on wasm)', () => {
  it('runs the fused kernel on wasm', () => {
    expect(fusedAdamAvailable()).toBe(true);
  });

  it('equals tf.train.adam bit for bit over 7 steps', () => {
    const reference = run(() => tf.train.adam(0.01), 7);
    expect(run(() => new HostAdam(0.01), 7)).toEqual(reference);
    expect(run(() => new HostAdam(0.01, 0.9, 0.999, undefined, false), 7)).toEqual(reference);
    // And it moved: not a test of an optimiser that does nothing.
    const start = run(() => tf.train.adam(0.01), 0);
    expect(reference[0]).not.toEqual(start[0]);
  });

  it("keeps each variable's moments by name when a gradient is missing from a step", () => {
    const a = tf.variable(tf.tensor1d([1, 2]), true, `hostadam_a_${Math.random()}`);
    const b = tf.variable(tf.tensor1d([3]), true, `hostadam_b_${Math.random()}`);
    const ref = tf.variable(tf.tensor1d([3]), true, `hostadam_ref_${Math.random()}`);
    const opt = new HostAdam(0.1);
    const refOpt = new HostAdam(0.1);
    opt.applyGradients({ [a.name]: tf.tensor1d([1, 1]), [b.name]: tf.tensor1d([0.5]) });
    refOpt.applyGradients({ [ref.name]: tf.tensor1d([0.5]) });
    opt.applyGradients({ [b.name]: tf.tensor1d([-2]) }); // a has no gradient this step
    refOpt.applyGradients({ [ref.name]: tf.tensor1d([-2]) });
    expect(b.dataSync()).toEqual(ref.dataSync());
    [opt, refOpt, a, b, ref].forEach((x) => x.dispose());
  });

  it('other beta/epsilon settings too', () => {
    const reference = run(() => tf.train.adam(0.003, 0.8, 0.99, 1e-4), 4);
    expect(run(() => new HostAdam(0.003, 0.8, 0.99, 1e-4), 4)).toEqual(reference);
  });

  it('getWeights/setWeights carry the moments: a resumed optimiser continues as one that never stopped', async () => {
    const v = tf.variable(tf.tensor1d([0.5, -1, 2, 0]), true, `hostadam_resume_${Math.random()}`);
    const g = (s: number) => ({ [v.name]: tf.tensor1d([0.1 * s, -0.2, 0.3, 1e-3 * s]) });
    const a = new HostAdam(0.05);
    for (let s = 1; s <= 3; s++) a.applyGradients(g(s));
    const saved = await a.getWeights();
    expect(saved.map((w) => w.name)).toEqual(['iter', `${v.name}/m`, `${v.name}/v`]);
    const before = v.dataSync().slice();
    const b = new HostAdam(0.05);
    await b.setWeights(saved);
    a.applyGradients(g(4));
    const continued = v.dataSync().slice();
    v.assign(tf.tensor1d(before));
    b.applyGradients(g(4));
    expect(v.dataSync()).toEqual(continued);
    a.dispose();
    b.dispose();
    v.dispose();
  });

  it('a TextCNN student trained 3 steps with it ends exactly where tf.train.adam ends', () => {
    const config = makeStudentConfig(
      'textcnn',
      { vocabSize: 60, maxLen: 12, numClasses: 3, multiLabel: false },
      { embedDim: 8, filterSizes: [2, 3], numFilters: 4, dropout: 0 },
    );
    const ids = Int32Array.from({ length: 4 * 12 }, (_, i) => (i * 7) % 60);
    const hard = Int32Array.of(0, 1, 2, 1);
    const train = (opt: tf.Optimizer) => {
      const s = Student.create(config, 5);
      for (let i = 0; i < 3; i++) {
        const loss = opt.minimize(
          () => singleLabelLoss({ logits: s.logits(tf.tensor2d(ids, [4, 12], 'int32'), ids, true), hard }),
          true,
          s.trainableVars(),
        );
        loss!.dispose();
      }
      const p = s.toParams();
      s.dispose();
      opt.dispose();
      return p;
    };
    expect(train(new HostAdam(0.01))).toEqual(train(tf.train.adam(0.01)));
  });
});
