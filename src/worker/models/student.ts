/**
 * A student model in TensorFlow.js: the spec's parameters as tf.Variables plus the forward pass of
 * its architecture. Converts to and from the plain `StudentParams` that the exporters and the model
 * folder use.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng } from '../../shared/random';
import type { ForwardContext, Vars } from './building-blocks';
import { outputHead } from './building-blocks';
import { cnnNbLogits } from './cnn-nb-head';
import { initStudentParams } from './init-params';
import { archEntry } from './registry';
import { validateStudent, type StudentConfig, type StudentParams } from './student-config';

/** Parameters that a trainer must not touch: cnn-nb's PCA/NB statistics are fitted, not learned. */
let nextVarId = 0;

const FITTED = new Set(['pca_mean', 'pca_components', 'nb_means', 'nb_vars', 'nb_log_priors']);

export class Student {
  readonly vars: Vars;
  private readonly seedRng;

  private constructor(
    readonly config: StudentConfig,
    params: StudentParams,
    seed: number,
  ) {
    this.vars = {};
    for (const [name, p] of Object.entries(params)) {
      this.vars[name] = tf.variable(tf.tensor(p.data, p.shape), !FITTED.has(name), `${name}_${nextVarId++}`);
    }
    this.seedRng = createRng(seed ^ 0x5eed);
  }

  /** A freshly initialised student (cnn-nb starts as a TextCNN with a softmax head). */
  static create(config: StudentConfig, seed: number): Student {
    return new Student(
      config,
      initStudentParams(config.arch === 'cnn-nb' ? { ...config, arch: 'textcnn' } : config, seed),
      seed,
    );
  }

  static fromParams(config: StudentConfig, params: StudentParams, seed = 0): Student {
    validateStudent(config, params);
    return new Student(config, params, seed);
  }

  /** Variables the optimiser updates. */
  trainableVars(): tf.Variable[] {
    return Object.values(this.vars).filter((v) => v.trainable);
  }

  /** Feature vector D per row (before dropout and head). */
  features(ids: tf.Tensor2D, idsHost: Int32Array, training: boolean): tf.Tensor2D {
    return archEntry(this.config.arch).features(this.context(training), ids, idsHost);
  }

  /** Logits [B, C]. ids: int32 [B, T], post-padded with 0. */
  logits(ids: tf.Tensor2D, idsHost: Int32Array, training: boolean): tf.Tensor2D {
    const ctx = this.context(training);
    const f = archEntry(this.config.arch).features(ctx, ids, idsHost);
    if (this.vars.nb_means) return cnnNbLogits(this.vars, f, this.config.multiLabel);
    return outputHead(ctx, f);
  }

  /**
   * Probabilities for n rows of encoded ids (n·T values), in batches; host memory out. With
   * `training` the forward pass keeps dropout on (fresh masks each call): one MC-dropout sample.
   */
  predictProbs(ids: Int32Array, n: number, batchSize = 256, training = false): Float32Array {
    const T = ids.length / n;
    const C = this.config.numClasses;
    const out = new Float32Array(n * C);
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      const host = ids.subarray(start * T, (start + m) * T);
      const probs = tf.tidy(() => {
        const z = this.logits(tf.tensor2d(host, [m, T], 'int32'), host, training);
        return this.config.multiLabel ? tf.sigmoid(z) : tf.softmax(z);
      });
      out.set(probs.dataSync() as Float32Array, start * C);
      probs.dispose();
    }
    return out;
  }

  /** `passes` MC-dropout samples of the probabilities (Gal & Ghahramani 2016), for BALD. */
  mcDropoutProbs(ids: Int32Array, n: number, passes: number, batchSize = 256): Float32Array[] {
    return Array.from({ length: passes }, () => this.predictProbs(ids, n, batchSize, true));
  }

  /** Features (inference mode) for n rows of encoded ids, in batches: n × D on the host. */
  featuresOf(ids: Int32Array, n: number, batchSize = 256): Float32Array {
    const T = ids.length / n;
    const chunks: Float32Array[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const m = Math.min(batchSize, n - start);
      const host = ids.subarray(start * T, (start + m) * T);
      const f = tf.tidy(() => this.features(tf.tensor2d(host, [m, T], 'int32'), host, false));
      chunks.push(f.dataSync() as Float32Array);
      f.dispose();
    }
    const out = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
    let off = 0;
    for (const c of chunks) {
      out.set(c, off);
      off += c.length;
    }
    return out;
  }

  /** Number of scalar parameters (what digest A's size table counts). */
  paramCount(): number {
    return Object.values(this.vars).reduce((s, v) => s + v.size, 0);
  }

  sizeMB(): number {
    return (this.paramCount() * 4) / (1024 * 1024);
  }

  toParams(): StudentParams {
    const out: StudentParams = {};
    for (const [name, v] of Object.entries(this.vars)) {
      out[name] = { shape: v.shape.slice(), data: Float32Array.from(v.dataSync() as Float32Array) };
    }
    return out;
  }

  /** Overwrites variables from a snapshot (early stopping restores the best epoch). */
  assign(params: StudentParams): void {
    for (const [name, p] of Object.entries(params)) this.vars[name]?.assign(tf.tensor(p.data, p.shape));
  }

  /** Adds fitted (non-trainable) parameters, e.g. cnn-nb's PCA and NB statistics. */
  addFitted(params: StudentParams): void {
    for (const [name, p] of Object.entries(params)) {
      this.vars[name]?.dispose();
      this.vars[name] = tf.variable(tf.tensor(p.data, p.shape), false);
    }
  }

  removeVars(names: string[]): void {
    for (const n of names) {
      this.vars[n]?.dispose();
      delete this.vars[n];
    }
  }

  dispose(): void {
    for (const v of Object.values(this.vars)) v.dispose();
  }

  private context(training: boolean): ForwardContext {
    return { config: this.config, vars: this.vars, training, nextSeed: () => this.seedRng.int(2 ** 31 - 1) };
  }
}
