/**
 * The students' optimiser: tf.train.adam's update, fused into one native pass per variable on the
 * wasm backend (backend/adam-step-kernel.ts) — the same numbers bit for bit, ~1/14 of the time
 * (tfjs runs ~13 elementwise kernels per variable: 11.5 against 0.8 CPU-ms per step over a TextCNN's
 * 0.87M parameters, measured). Elsewhere (tfjs-node, cpu, no addon) tfjs's own update runs unchanged. The first and second moments live in host arrays; getWeights/setWeights give and
 * take them as tfjs's Adam does, so saved optimiser state stays interchangeable.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM_STEP_KERNEL, type AdamStepAttrs } from '../backend/adam-step-kernel';
import { nativeKernels } from '../backend/native-kernels';

const f = Math.fround;

type NamedTensor = Extract<Parameters<tf.AdamOptimizer['applyGradients']>[0], unknown[]>[number];
/** What minimize() and callers pass: gradients by variable name (tfjs types the map as variables). */
type VariableGradients = tf.NamedTensorMap | NamedTensor[];

/** Whether the fused update can run here: the wasm backend, the kernel registered, the addon's adamStep. */
export function fusedAdamAvailable(): boolean {
  return (
    tf.getBackend() === 'wasm' &&
    tf.getKernel(ADAM_STEP_KERNEL, 'wasm') !== undefined &&
    nativeKernels()?.adamStep !== undefined
  );
}

export class HostAdam extends tf.AdamOptimizer {
  /** By variable name (tfjs's Adam keys them by position in the gradient list, which a missing gradient shifts). */
  private moments = new Map<string, { name: string; shape: number[]; m: Float32Array; v: Float32Array }>();
  /** Decided at the first step and kept: the moments live in one place for the whole run. */
  private fused: boolean | undefined;

  constructor(
    learningRate: number,
    beta1 = 0.9,
    beta2 = 0.999,
    epsilon?: number,
    /** false: tfjs's update even where the fused one could run (benchmarks, tests). */
    private readonly allowFused = true,
  ) {
    super(learningRate, beta1, beta2, epsilon);
  }

  /** Whether this optimiser runs the fused update (decided once, at first use). */
  private useFused(): boolean {
    return (this.fused ??= this.allowFused && fusedAdamAvailable());
  }

  override applyGradients(variableGradients: VariableGradients): void {
    if (!this.useFused())
      return super.applyGradients(variableGradients as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
    const entries: [string, tf.Tensor | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map((v) => [v.name, v.tensor])
      : Object.entries(variableGradients);
    const self = this as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable; epsilon: number };
    const acc1 = self.accBeta1.dataSync()[0];
    const acc2 = self.accBeta2.dataSync()[0];
    // The constants as tfjs makes them: float32 scalars, and 1 − accBeta computed in float32.
    const k = Float32Array.of(
      this.beta1,
      1 - this.beta1,
      this.beta2,
      1 - this.beta2,
      f(1 - acc1),
      f(1 - acc2),
      self.epsilon,
      -this.learningRate,
    );
    const registered = tf.engine().registeredVariables;
    for (const [name, gradient] of entries) {
      const value = registered[name];
      if (gradient == null) continue;
      let state = this.moments.get(name);
      if (!state) {
        state = { name, shape: value.shape, m: new Float32Array(value.size), v: new Float32Array(value.size) };
        this.moments.set(name, state);
      }
      const { m, v } = state;
      const attrs: AdamStepAttrs = { m, v, k };
      const next = tf.engine().runKernel(ADAM_STEP_KERNEL, { value, grad: gradient }, attrs as never) as tf.Tensor;
      value.assign(next);
      next.dispose();
    }
    tf.tidy(() => {
      self.accBeta1.assign(tf.mul(self.accBeta1, this.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }

  override async getWeights(): Promise<NamedTensor[]> {
    if (!this.fused) return super.getWeights();
    // tfjs's layout: iterations, then every first moment, then every second moment.
    const moment = (which: 'm' | 'v') =>
      [...this.moments.values()].map(({ name, shape, m, v }) => ({
        name: `${name}/${which}`,
        tensor: tf.tensor(which === 'm' ? m : v, shape),
      }));
    return [await this.saveIterations(), ...moment('m'), ...moment('v')];
  }

  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    if (!this.useFused()) return super.setWeights(weightValues);
    const rest = await this.extractIterations(weightValues);
    const self = this as unknown as { accBeta1: tf.Variable; accBeta2: tf.Variable };
    tf.tidy(() => {
      self.accBeta1.assign(tf.pow(this.beta1, this.iterations + 1));
      self.accBeta2.assign(tf.pow(this.beta2, this.iterations + 1));
    });
    const n = rest.length / 2;
    this.moments = new Map(
      rest.slice(0, n).map((mt, i) => {
        const name = mt.name.replace(/\/m$/, '');
        const state = { name, shape: mt.tensor.shape, m: Float32Array.from(mt.tensor.dataSync()) };
        return [name, { ...state, v: Float32Array.from(rest[n + i].tensor.dataSync()) }];
      }),
    );
  }
}
