/**
 * Digest E's classical head on network features: PCA keeping a share of the variance, then a
 * Gaussian naive Bayes classifier. Fitted in closed form on the training features (ml-matrix does
 * the symmetric eigendecomposition); its log-joint scores stand in for logits.
 *
 * Multi-label (binary relevance): one two-class Gaussian NB per label, "has label j" against "has not",
 * over the same PCA space. Its C + C classes are stored as rows j (present) and C + j (absent) of
 * nb_means / nb_vars / nb_log_priors, and label j's logit is the log posterior odds J_j − J_{C+j}, so
 * sigmoid(logit) is the NB posterior of label j — the same sigmoid output every multi-label student has.
 */
import * as tf from '@tensorflow/tfjs';
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Vars } from './building-blocks';
import type { StudentParams } from './student-config';

export interface CnnNbFit {
  params: StudentParams;
  components: number;
  varianceKept: number;
}

/**
 * features: n × D row-major; labels: class index per row (single-label), or the label indices of each
 * row (multi-label: binary relevance, 2·numClasses NB classes, see above).
 */
export function fitPcaNaiveBayes(
  features: Float32Array,
  n: number,
  labels: number[] | number[][],
  numClasses: number,
  varianceKept: number,
): CnnNbFit {
  const multi = Array.isArray(labels[0]);
  const M = multi ? 2 * numClasses : numClasses;
  /** The NB classes a row counts in: its class; or, per label, "present" (j) or "absent" (C + j). */
  const classesOf = (i: number): number[] => {
    if (!multi) return [labels[i] as number];
    const has = new Set(labels[i] as number[]);
    return Array.from({ length: numClasses }, (_, j) => (has.has(j) ? j : numClasses + j));
  };
  const D = features.length / n;
  const mean = new Float64Array(D);
  for (let i = 0; i < n; i++) for (let d = 0; d < D; d++) mean[d] += features[i * D + d] / n;
  const X = new Matrix(n, D);
  for (let i = 0; i < n; i++) for (let d = 0; d < D; d++) X.set(i, d, features[i * D + d] - mean[d]);
  const cov = X.transpose()
    .mmul(X)
    .div(Math.max(1, n - 1));
  const eig = new EigenvalueDecomposition(cov, { assumeSymmetric: true });
  const values = eig.realEigenvalues.map((v) => Math.max(0, v));
  const order = values.map((_, i) => i).sort((a, b) => values[b] - values[a]);
  const total = values.reduce((a, b) => a + b, 0) || 1;
  let K = 0;
  let acc = 0;
  while (K < D && acc / total < varianceKept) acc += values[order[K++]];
  K = Math.max(1, K);
  const vectors = eig.eigenvectorMatrix;
  const comps = new Float32Array(D * K);
  for (let d = 0; d < D; d++) for (let k = 0; k < K; k++) comps[d * K + k] = vectors.get(d, order[k]);
  const Z = X.mmul(new Matrix(Array.from({ length: D }, (_, d) => Array.from(comps.subarray(d * K, (d + 1) * K)))));

  const counts = new Float64Array(M);
  const means = new Float64Array(M * K);
  const sq = new Float64Array(M * K);
  for (let i = 0; i < n; i++) {
    for (const c of classesOf(i)) {
      counts[c]++;
      for (let k = 0; k < K; k++) {
        const z = Z.get(i, k);
        means[c * K + k] += z;
        sq[c * K + k] += z * z;
      }
    }
  }
  // sklearn's var_smoothing: add a small share of the largest variance so no variance is zero.
  let maxVar = 0;
  const vars = new Float32Array(M * K);
  for (let c = 0; c < M; c++) {
    for (let k = 0; k < K; k++) {
      const m = counts[c] ? means[c * K + k] / counts[c] : 0;
      means[c * K + k] = m;
      const v = counts[c] ? sq[c * K + k] / counts[c] - m * m : 0;
      vars[c * K + k] = v;
      maxVar = Math.max(maxVar, v);
    }
  }
  const eps = 1e-9 * maxVar + 1e-12;
  for (let i = 0; i < vars.length; i++) vars[i] = Math.max(vars[i], 0) + eps;
  const logPriors = Float32Array.from(counts, (c) => Math.log(Math.max(c, 1e-12) / n));
  return {
    components: K,
    varianceKept: acc / total,
    params: {
      pca_mean: { shape: [D], data: Float32Array.from(mean) },
      pca_components: { shape: [D, K], data: comps },
      nb_means: { shape: [M, K], data: Float32Array.from(means) },
      nb_vars: { shape: [M, K], data: vars },
      nb_log_priors: { shape: [M], data: logPriors },
    },
  };
}

/**
 * Log-joint j_c = log prior_c − ½ Σ_k (log(2π var_ck) + (z_k − mean_ck)² / var_ck), z = PCA(f);
 * multi-label: j_c − j_{C+c} per label c.
 */
export function cnnNbLogits(vars: Vars, features: tf.Tensor2D, multiLabel = false): tf.Tensor2D {
  return tf.tidy(() => {
    const joint = nbLogJoint(vars, features);
    if (!multiLabel) return joint;
    const C = joint.shape[1] / 2;
    return tf.sub(tf.slice(joint, [0, 0], [-1, C]), tf.slice(joint, [0, C], [-1, C])) as tf.Tensor2D;
  });
}

function nbLogJoint(vars: Vars, features: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const z = tf.matMul(tf.sub(features, vars.pca_mean), vars.pca_components as tf.Tensor2D); // [B, K]
    const diff = tf.sub(tf.expandDims(z, 1), tf.expandDims(vars.nb_means, 0)); // [B, C, K]
    const quad = tf.sum(tf.div(tf.square(diff), tf.expandDims(vars.nb_vars, 0)), 2); // [B, C]
    const logDet = tf.sum(tf.log(tf.mul(vars.nb_vars, 2 * Math.PI)), 1); // [C]
    return tf.add(vars.nb_log_priors, tf.mul(-0.5, tf.add(quad, logDet))) as tf.Tensor2D;
  });
}
