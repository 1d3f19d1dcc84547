/**
 * Student → "tfjs format" folder (model.json + weights.bin), written with node:fs since tfjs-node's
 * file:// handler may be absent.
 *
 * Two layouts, chosen by architecture:
 * - 'layers-model' (bilstm, lstm, textcnn): a standard tf.layers LayersModel that any tfjs app can
 *   open with tf.loadLayersModel and run without Distillery. Keras weight layouts equal the spec's
 *   (LSTM gates i,f,c,o; Conv1D kernel [k, E, F]), so weights are copied unchanged.
 * - 'distillery-weights' (gru, gru-att, cnn-nb): the spec's named parameters as a tfjs weights
 *   manifest (tf.io.encodeWeights) next to the StudentConfig, loadable by Distillery
 *   (`loadStudentWeightsTfjs`). tf.layers cannot express these: its GRU rejects resetAfter=true
 *   (the spec's GRU is reset-after), and masked attention pooling / PCA+naive Bayes have no
 *   standard layers.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DistilleryError } from '../../shared/errors';
import { validateStudent, type StudentArch, type StudentConfig, type StudentParams } from '../models/student-config';

export type TfjsLayout = 'layers-model' | 'distillery-weights';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
/** `format` of the distillery-weights model.json; tfjs itself uses 'layers-model' / 'graph-model'. */
export const DISTILLERY_WEIGHTS_FORMAT = 'distillery-student-weights';

export function tfjsLayoutFor(arch: StudentArch): TfjsLayout {
  return arch === 'bilstm' || arch === 'lstm' || arch === 'textcnn' ? 'layers-model' : 'distillery-weights';
}

const tensorOf = (params: StudentParams, name: string): tf.Tensor =>
  tf.tensor(params[name].data, params[name].shape, 'float32');

/** Sets a layer's weights in its own order, failing loudly on any shape mismatch. */
function setLayerWeights(layer: tf.layers.Layer, names: string[], params: StudentParams): void {
  const current = layer.getWeights();
  if (current.length !== names.length)
    throw new Error(`layer ${layer.name}: ${current.length} weights, got ${names.length}`);
  current.forEach((w, i) => {
    const want = params[names[i]].shape;
    if (w.shape.join() !== want.join())
      throw new Error(`layer ${layer.name}: weight ${i} is [${w.shape}], ${names[i]} is [${want}]`);
  });
  const tensors = names.map((n) => tensorOf(params, n));
  layer.setWeights(tensors);
  tf.dispose(tensors);
}

/**
 * The standard tf.layers model for bilstm / lstm / textcnn with the student's weights. Input: ids
 * [batch, T] (T free for recurrent archs, maxLen for textcnn); output: probs [batch, C]. Dropout is
 * left out (identity at inference).
 */
export function buildLayersModel(config: StudentConfig, params: StudentParams): tf.LayersModel {
  validateStudent(config, params);
  const c = config;
  if (tfjsLayoutFor(c.arch) !== 'layers-model') {
    throw new DistilleryError(
      'CONFIG',
      `${c.arch} has no standard tf.layers equivalent; use the distillery-weights layout`,
    );
  }
  const recurrent = c.arch !== 'textcnn';
  const input = tf.input({ shape: [recurrent ? null : c.maxLen], dtype: 'int32', name: 'input_ids' });
  // maskZero gives the spec's masking: Keras RNNs skip masked steps (state carried), the backward
  // layer reverses input and mask together, so it starts at the last real token.
  const embedding = tf.layers.embedding({
    inputDim: c.vocabSize,
    outputDim: c.embedDim,
    maskZero: recurrent,
    name: 'embedding',
  });
  let x = embedding.apply(input) as tf.SymbolicTensor;
  const weighted: [tf.layers.Layer, string[]][] = [[embedding, ['embedding']]];

  if (recurrent) {
    for (let l = 0; l < c.layers; l++) {
      const returnSequences = l < c.layers - 1;
      // tfjs defaults recurrentActivation to hardSigmoid; the spec's σ is the logistic sigmoid.
      const cell = (name: string) =>
        tf.layers.lstm({ units: c.hidden, returnSequences, recurrentActivation: 'sigmoid', activation: 'tanh', name });
      const names = (d: string) => [`lstm${l}_${d}_W`, `lstm${l}_${d}_U`, `lstm${l}_${d}_b`];
      let layer: tf.layers.Layer;
      if (c.arch === 'bilstm') {
        layer = tf.layers.bidirectional({ layer: cell(`lstm${l}`) as tf.RNN, mergeMode: 'concat', name: `bilstm${l}` });
        weighted.push([layer, [...names('fw'), ...names('bw')]]);
      } else {
        layer = cell(`lstm${l}`);
        weighted.push([layer, names('fw')]);
      }
      x = layer.apply(x) as tf.SymbolicTensor;
    }
  } else {
    const pooled = c.filterSizes.map((k) => {
      const conv = tf.layers.conv1d({
        filters: c.numFilters,
        kernelSize: k,
        padding: 'valid',
        activation: 'relu',
        name: `conv${k}`,
      });
      weighted.push([conv, [`conv${k}_W`, `conv${k}_b`]]);
      return tf.layers.globalMaxPooling1d({ name: `pool${k}` }).apply(conv.apply(x)) as tf.SymbolicTensor;
    });
    x =
      pooled.length === 1
        ? pooled[0]
        : (tf.layers.concatenate({ axis: -1, name: 'features' }).apply(pooled) as tf.SymbolicTensor);
  }

  const out = tf.layers.dense({ units: c.numClasses, activation: c.multiLabel ? 'sigmoid' : 'softmax', name: 'probs' });
  weighted.push([out, ['out_W', 'out_b']]);
  const model = tf.model({ inputs: input, outputs: out.apply(x) as tf.SymbolicTensor, name: `distillery_${c.arch}` });
  for (const [layer, names] of weighted) setLayerWeights(layer, names, params);
  return model;
}

/** tf.io handler that writes model.json + weights.bin into `dir`. */
export function fileSaveHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const weights = artifacts.weightData
        ? new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData))
        : new Uint8Array(0);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
      await writeFile(path.join(dir, WEIGHTS_BIN), weights);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          weightDataBytes: weights.byteLength,
        },
      };
    },
  };
}

/** tf.io handler that reads what `fileSaveHandler` wrote (single weights file). */
export function fileLoadHandler(dir: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const modelJson = JSON.parse(await readFile(path.join(dir, MODEL_JSON), 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const buffers = await Promise.all(manifest.flatMap((g) => g.paths).map((p) => readFile(path.join(dir, p))));
        const joined = Buffer.concat(buffers);
        const data = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength) as ArrayBuffer;
        return [tf.io.getWeightSpecs(manifest), data];
      });
    },
  };
}

interface DistilleryWeightsJson {
  format: typeof DISTILLERY_WEIGHTS_FORMAT;
  generatedBy: string;
  /** The function these weights compute is docs/model-spec.md applied to this config. */
  studentConfig: StudentConfig;
  weightsManifest: tf.io.WeightsManifestConfig;
}

export async function saveDistilleryWeights(dir: string, config: StudentConfig, params: StudentParams): Promise<void> {
  const named = Object.keys(params)
    .sort()
    .map((name) => ({ name, tensor: tensorOf(params, name) }));
  const { data, specs } = await tf.io.encodeWeights(named);
  tf.dispose(named.map((n) => n.tensor));
  const json: DistilleryWeightsJson = {
    format: DISTILLERY_WEIGHTS_FORMAT,
    generatedBy: 'distillery',
    studentConfig: config,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: specs }],
  };
  await mkdir(dir, { recursive: true });
  await writeFile(path.join(dir, MODEL_JSON), JSON.stringify(json));
  await writeFile(path.join(dir, WEIGHTS_BIN), new Uint8Array(data));
}

/**
 * Writes the student to `dir` in its tfjs layout (see the module comment). Both layouts carry the
 * StudentConfig (layers-model: in userDefinedMetadata.studentConfig).
 */
export async function saveStudentTfjs(dir: string, config: StudentConfig, params: StudentParams): Promise<TfjsLayout> {
  validateStudent(config, params);
  const layout = tfjsLayoutFor(config.arch);
  if (layout === 'distillery-weights') {
    await saveDistilleryWeights(dir, config, params);
    return layout;
  }
  const model = buildLayersModel(config, params);
  try {
    model.setUserDefinedMetadata({ studentConfig: config as unknown as object, contract: 'docs/model-spec.md' });
    await model.save(fileSaveHandler(dir));
  } finally {
    model.dispose();
  }
  return layout;
}

/** Reads a distillery-weights folder back into the spec's config and named parameters. */
export async function loadStudentWeightsTfjs(dir: string): Promise<{ config: StudentConfig; params: StudentParams }> {
  const json = JSON.parse(await readFile(path.join(dir, MODEL_JSON), 'utf8')) as DistilleryWeightsJson;
  if (json.format !== DISTILLERY_WEIGHTS_FORMAT) {
    throw new DistilleryError(
      'MODEL_FOLDER',
      `${path.join(dir, MODEL_JSON)}: format "${json.format}" is not ${DISTILLERY_WEIGHTS_FORMAT}`,
      {
        file: path.join(dir, MODEL_JSON),
      },
    );
  }
  const bytes = await readFile(path.join(dir, WEIGHTS_BIN));
  const data = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const tensors = tf.io.decodeWeights(data, tf.io.getWeightSpecs(json.weightsManifest));
  const params: StudentParams = {};
  for (const [name, t] of Object.entries(tensors)) {
    params[name] = { shape: t.shape.slice(), data: Float32Array.from(t.dataSync() as Float32Array) };
    t.dispose();
  }
  validateStudent(json.studentConfig, params);
  return { config: json.studentConfig, params };
}
