/**
 * A local Hugging Face model folder for the BERT architecture: config.json, vocab.txt and/or
 * tokenizer.json (+ tokenizer_config.json), and model.safetensors (or a sharded index, or
 * pytorch_model.bin read without running pickle code). Weights come out under canonical names
 * (bert-config.ts) with shapes checked against the config. Nothing is downloaded, ever.
 */
import { readModelJson } from '../../util/read-model-json';
import { existsSync, statSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DistilleryError, ModelFolderError } from '../../../shared/errors';
import { bertWeightShapes, canonicalBertName, type BertConfig, type BertWeights } from '../model/bert-config';
import { decodeSafetensors, encodeSafetensors } from './safetensors';
import { CONVERT_HINT, readTorchCheckpoint } from './torch-checkpoint';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { WordPieceTokenizer, type WordPieceOptions } from '../tokenize/wordpiece';

export interface HfFolder {
  dir: string;
  config: BertConfig;
  weights: BertWeights;
  tokenizer: WordPieceTokenizer;
  /** The weights file(s) read, relative to dir. */
  weightsFiles: string[];
  /** Things that load but deserve a line in the log (ignored weights, spare embedding rows). */
  warnings: string[];
}

export const SUPPORTED_ARCHITECTURES =
  'model_type "bert" (bert-base-chinese, hfl/chinese-roberta-wwm-ext, hfl/rbt3, TinyBERT, the uer Chinese RoBERTa miniatures) ' +
  'and "roberta" folders whose weights use BERT\'s layout (bert.* names, a WordPiece vocabulary)';

/** HF BertConfig's defaults for fields a config.json may omit. */
const CONFIG_DEFAULTS = {
  vocab_size: 30522,
  hidden_size: 768,
  num_hidden_layers: 12,
  num_attention_heads: 12,
  intermediate_size: 3072,
  hidden_act: 'gelu',
  max_position_embeddings: 512,
  type_vocab_size: 2,
  layer_norm_eps: 1e-12,
  hidden_dropout_prob: 0.1,
  attention_probs_dropout_prob: 0.1,
};

const OPTIONAL = /^(pooler\.|classifier\.)/;

/** Reads and checks config.json: defaults filled in, architecture and activation supported. */
export function parseBertConfig(raw: unknown, file: string): BertConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    throw new ModelFolderError(`${file} does not hold a JSON object`, { file });
  const r = raw as Record<string, unknown>;
  const modelType = typeof r.model_type === 'string' ? r.model_type : undefined;
  const archs = Array.isArray(r.architectures) ? r.architectures.map(String) : [];
  const bertLike =
    modelType === 'bert' ||
    modelType === 'roberta' ||
    (modelType === undefined && (archs.length === 0 || archs.some((a) => a.startsWith('Bert'))));
  if (!bertLike) {
    const what = modelType ? `model_type "${modelType}"` : `architectures ${JSON.stringify(archs)}`;
    throw new DistilleryError('CONFIG', `${file}: ${what} is not supported; supported: ${SUPPORTED_ARCHITECTURES}`, {
      file,
      field: 'model_type',
    });
  }
  const config = { ...CONFIG_DEFAULTS, ...r } as BertConfig & Record<string, unknown>;
  for (const k of [
    'vocab_size',
    'hidden_size',
    'num_hidden_layers',
    'num_attention_heads',
    'intermediate_size',
    'max_position_embeddings',
    'type_vocab_size',
  ] as const) {
    const v = config[k];
    if (!Number.isInteger(v) || (v as number) <= 0)
      throw new DistilleryError('CONFIG', `${file}: ${k} must be a positive integer, got ${JSON.stringify(v)}`, {
        file,
        field: k,
      });
  }
  if (!(typeof config.layer_norm_eps === 'number' && config.layer_norm_eps > 0))
    throw new DistilleryError('CONFIG', `${file}: layer_norm_eps must be a positive number`, {
      file,
      field: 'layer_norm_eps',
    });
  if (config.hidden_size % config.num_attention_heads !== 0) {
    throw new DistilleryError(
      'CONFIG',
      `${file}: hidden_size ${config.hidden_size} is not a multiple of num_attention_heads ${config.num_attention_heads}`,
      { file, field: 'hidden_size' },
    );
  }
  if (config.hidden_act !== 'gelu') {
    throw new DistilleryError(
      'CONFIG',
      `${file}: hidden_act "${config.hidden_act}" is not supported; supported: "gelu" (exact, erf-based)`,
      { file, field: 'hidden_act' },
    );
  }
  const pet = r.position_embedding_type;
  if (pet !== undefined && pet !== 'absolute') {
    throw new DistilleryError(
      'CONFIG',
      `${file}: position_embedding_type "${String(pet)}" is not supported; supported: "absolute"`,
      { file, field: 'position_embedding_type' },
    );
  }
  if (config.num_labels === undefined && config.id2label && typeof config.id2label === 'object')
    config.num_labels = Object.keys(config.id2label).length;
  return config;
}

function tokenString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object' && typeof (v as { content?: unknown }).content === 'string')
    return (v as { content: string }).content;
  return undefined;
}

/** Tokenizer options from tokenizer_config.json (and special_tokens_map.json), where present. */
async function tokenizerOptions(dir: string): Promise<WordPieceOptions> {
  const opts: WordPieceOptions = {};
  for (const name of ['special_tokens_map.json', 'tokenizer_config.json']) {
    const file = path.join(dir, name);
    if (!existsSync(file)) continue;
    const j = (await readModelJson(file)) as Record<string, unknown>;
    if (typeof j.do_lower_case === 'boolean') opts.doLowerCase = j.do_lower_case;
    if (typeof j.strip_accents === 'boolean' || j.strip_accents === null)
      opts.stripAccents = j.strip_accents as boolean | null;
    if (typeof j.tokenize_chinese_chars === 'boolean') opts.tokenizeChineseChars = j.tokenize_chinese_chars;
    opts.unkToken = tokenString(j.unk_token) ?? opts.unkToken;
    opts.clsToken = tokenString(j.cls_token) ?? opts.clsToken;
    opts.sepToken = tokenString(j.sep_token) ?? opts.sepToken;
    opts.padToken = tokenString(j.pad_token) ?? opts.padToken;
    opts.maskToken = tokenString(j.mask_token) ?? opts.maskToken;
  }
  return Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) as WordPieceOptions;
}

/**
 * The folder's tokenizer. Ids: vocab.txt when present, otherwise tokenizer.json's WordPiece
 * vocabulary. Word pieces: tokenizers.js (Hugging Face's JS tokenizers) over tokenizer.json where the
 * folder has one whose vocabulary matches, else the built-in WordPiece (which agrees with it; see the
 * tests). Case handling: tokenizer_config.json's do_lower_case/strip_accents/tokenize_chinese_chars
 * first, then tokenizer.json's BertNormalizer, then HF's defaults (lower-case, strip accents, split CJK).
 */
export async function loadTokenizer(dir: string): Promise<WordPieceTokenizer> {
  const opts = await tokenizerOptions(dir);
  const vocabFile = path.join(dir, 'vocab.txt');
  const tokFile = path.join(dir, 'tokenizer.json');
  const tokJson = existsSync(tokFile) ? await readModelJson(tokFile) : undefined;
  let builtIn: WordPieceTokenizer;
  if (existsSync(vocabFile)) {
    const norm = (
      tokJson as
        | {
            normalizer?: {
              type?: string;
              lowercase?: boolean;
              strip_accents?: boolean | null;
              handle_chinese_chars?: boolean;
            };
          }
        | undefined
    )?.normalizer;
    const fromJson: WordPieceOptions =
      norm?.type === 'BertNormalizer'
        ? {
            doLowerCase: norm.lowercase,
            stripAccents: norm.strip_accents,
            tokenizeChineseChars: norm.handle_chinese_chars,
          }
        : {};
    const merged = { ...Object.fromEntries(Object.entries(fromJson).filter(([, v]) => v !== undefined)), ...opts };
    builtIn = WordPieceTokenizer.fromVocabText(await readFile(vocabFile, 'utf8'), merged);
  } else if (tokJson) {
    builtIn = WordPieceTokenizer.fromTokenizerJson(tokJson, opts);
  } else {
    throw new ModelFolderError(
      `${dir} has no vocab.txt or tokenizer.json; the model's vocabulary is needed to tokenize text`,
      { file: dir },
    );
  }
  return tokJson ? withTokenizersJs(builtIn, tokJson, dir) : builtIn;
}

/**
 * The same tokenizer with its word pieces from tokenizers.js over tokenizer.json, when that file
 * describes a WordPiece model over the same vocabulary (tokenizer_config.json's case settings win, as
 * BertTokenizerFast applies them to the normalizer). Anything tokenizers.js cannot build keeps the
 * built-in WordPiece.
 */
function withTokenizersJs(builtIn: WordPieceTokenizer, tokJson: unknown, dir: string): WordPieceTokenizer {
  const j = structuredClone(tokJson) as {
    model?: { type?: string; vocab?: Record<string, number> };
    normalizer?: Record<string, unknown> | null;
  };
  const vocab = j.model?.vocab;
  if (
    j.model?.type !== 'WordPiece' ||
    !vocab ||
    Object.keys(vocab).length !== builtIn.size ||
    builtIn.vocab.some((t, i) => vocab[t] !== i && builtIn.idOf(t) === i)
  )
    return builtIn;
  if (j.normalizer?.type === 'BertNormalizer') {
    j.normalizer.lowercase = builtIn.doLowerCase;
    if (builtIn.stripAccents !== null) j.normalizer.strip_accents = builtIn.stripAccents;
    j.normalizer.handle_chinese_chars = builtIn.tokenizeChineseChars;
  }
  let hf: HfTokenizer;
  try {
    hf = new HfTokenizer(j, {});
  } catch {
    return builtIn;
  }
  return builtIn.withPieces((text) => hf.tokenize(text), `tokenizers.js (${path.join(dir, 'tokenizer.json')})`);
}

function weightsMissingMessage(dir: string, present: string[]): string {
  const other = present.filter((f) => /^(tf_model\.h5|flax_model\.msgpack|model\.ckpt|.*\.onnx|.*\.gguf)/.test(f));
  let msg = `${dir} has no model.safetensors (or pytorch_model.bin)`;
  if (other.length) {
    msg +=
      `; it holds ${other.join(', ')}, which Distillery does not read: convert once with Python, e.g. ` +
      `\`python -c "from transformers import BertModel; BertModel.from_pretrained('${dir}', ${other.some((f) => f.startsWith('flax')) ? 'from_flax' : 'from_tf'}=True).save_pretrained('${dir}', safe_serialization=True)"\``;
  } else {
    msg += `; files present: ${present.length ? present.join(', ') : 'none'}`;
  }
  return msg;
}

/** Raw (file-named) float weights from whichever weights file the folder has; `keep` filters by file name. */
async function readWeights(
  dir: string,
  keep: (name: string) => boolean,
): Promise<{ weights: Record<string, { shape: number[]; data: Float32Array }>; files: string[] }> {
  const st = path.join(dir, 'model.safetensors');
  if (existsSync(st)) return { weights: decodeSafetensors(await readFile(st), st, keep), files: ['model.safetensors'] };
  for (const [index, read] of [
    ['model.safetensors.index.json', (b: Uint8Array, f: string) => decodeSafetensors(b, f, keep)],
    ['pytorch_model.bin.index.json', (b: Uint8Array, f: string) => readTorchCheckpoint(b, f, keep)],
  ] as const) {
    const idx = path.join(dir, index);
    if (!existsSync(idx)) continue;
    const map = ((await readModelJson(idx)) as { weight_map?: Record<string, string> }).weight_map ?? {};
    const shards = [...new Set(Object.values(map))];
    const weights = {};
    for (const shard of shards)
      Object.assign(weights, read(await readFile(path.join(dir, shard)), path.join(dir, shard)));
    return { weights, files: shards };
  }
  const bin = path.join(dir, 'pytorch_model.bin');
  if (existsSync(bin))
    return { weights: readTorchCheckpoint(await readFile(bin), bin, keep), files: ['pytorch_model.bin'] };
  throw new ModelFolderError(weightsMissingMessage(dir, await readdir(dir)), { file: dir });
}

export interface LoadOptions {
  /** Skip the weights (config and tokenizer only), e.g. to show what a folder holds. */
  configOnly?: boolean;
}

export async function loadHfFolder(dir: string, opts: LoadOptions = {}): Promise<HfFolder> {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new ModelFolderError(`model folder ${dir} does not exist or is not a folder`, { file: dir });
  const configFile = path.join(dir, 'config.json');
  if (!existsSync(configFile)) {
    throw new ModelFolderError(
      `${dir} has no config.json: a Hugging Face model folder holds config.json, vocab.txt (or tokenizer.json) and model.safetensors (or pytorch_model.bin)`,
      { file: dir },
    );
  }
  const config = parseBertConfig(await readModelJson(configFile), configFile);
  const tokenizer = await loadTokenizer(dir);
  const warnings: string[] = [];
  if (opts.configOnly) return { dir, config, weights: {}, tokenizer, weightsFiles: [], warnings };

  const expected = bertWeightShapes(config);
  const isRobertaPrefixed = (n: string) => /^roberta\./.test(n);
  const ignored: string[] = [];
  let sawRoberta = false;
  const { weights: raw, files } = await readWeights(dir, (name) => {
    if (isRobertaPrefixed(name)) sawRoberta = true;
    const c = canonicalBertName(name);
    if (c === null) return false;
    if (!(c in expected) && !c.startsWith('classifier.')) {
      ignored.push(name);
      return false;
    }
    return true;
  });
  if (sawRoberta) {
    throw new DistilleryError(
      'CONFIG',
      `${dir}: the weights use RoBERTa's own layout (roberta.* names, positions offset by the padding index), which is not supported; supported: ${SUPPORTED_ARCHITECTURES}`,
      {
        file: dir,
      },
    );
  }
  const weights: BertWeights = {};
  for (const [name, t] of Object.entries(raw)) {
    const c = canonicalBertName(name)!;
    if (weights[c])
      throw new ModelFolderError(`${dir}: weight ${c} appears twice (as "${name}" and another name)`, { file: dir });
    weights[c] = t;
  }
  validateWeights(dir, config, weights, tokenizer, warnings);
  if (ignored.length)
    warnings.push(
      `ignored ${ignored.length} weight(s) that are not part of BERT's encoder: ${ignored.slice(0, 5).join(', ')}${ignored.length > 5 ? ', …' : ''}`,
    );
  return { dir, config, weights, tokenizer, weightsFiles: files, warnings };
}

function validateWeights(
  dir: string,
  config: BertConfig,
  weights: BertWeights,
  tokenizer: WordPieceTokenizer,
  warnings: string[],
): void {
  const word = weights['embeddings.word_embeddings.weight'];
  if (word && word.shape[0] !== config.vocab_size) {
    throw new ModelFolderError(
      `${dir}: config.json says vocab_size ${config.vocab_size} but the word embeddings have ${word.shape[0]} rows`,
      { file: dir },
    );
  }
  if (tokenizer.size > config.vocab_size) {
    throw new ModelFolderError(
      `${dir}: the vocabulary has ${tokenizer.size} tokens but the word embeddings have ${config.vocab_size} rows (vocab_size); ids past ${config.vocab_size - 1} would have no embedding — vocab.txt/tokenizer.json and the weights do not belong together`,
      { file: dir },
    );
  }
  if (tokenizer.size < config.vocab_size)
    warnings.push(
      `the vocabulary has ${tokenizer.size} tokens and the word embeddings ${config.vocab_size} rows; the extra rows are never used`,
    );
  const classifier = weights['classifier.weight'];
  const expected = bertWeightShapes(config, { numLabels: classifier ? classifier.shape[0] : undefined });
  for (const [name, shape] of Object.entries(expected)) {
    const w = weights[name];
    if (!w) {
      if (OPTIONAL.test(name)) continue;
      throw new ModelFolderError(`${dir}: weight ${name} [${shape.join(', ')}] is missing from the checkpoint`, {
        file: dir,
      });
    }
    if (w.shape.length !== shape.length || w.shape.some((d, i) => d !== shape[i])) {
      throw new ModelFolderError(
        `${dir}: weight ${name} has shape [${w.shape.join(', ')}], the config implies [${shape.join(', ')}]`,
        { file: dir },
      );
    }
  }
  if (!!weights['pooler.dense.weight'] !== !!weights['pooler.dense.bias'])
    throw new ModelFolderError(`${dir}: the pooler has a weight or a bias but not both`, { file: dir });
  if (!!classifier !== !!weights['classifier.bias'])
    throw new ModelFolderError(`${dir}: the classifier has a weight or a bias but not both`, { file: dir });
  if (classifier && config.num_labels !== undefined && config.num_labels !== classifier.shape[0]) {
    warnings.push(
      `config.json says num_labels ${config.num_labels} but the classifier has ${classifier.shape[0]} outputs; the classifier's size is used`,
    );
  }
}

export interface SaveOptions {
  dtype?: 'F32' | 'F16' | 'BF16';
  /** Written to tokenizer_config.json; default: the tokenizer's own setting, else true. */
  doLowerCase?: boolean;
  /** Also write tokenizer.json (WordPiece model + BertNormalizer), as HF's fast tokenizers save. */
  tokenizerJson?: boolean;
}

/**
 * Writes a folder in the layout loadHfFolder reads (and Hugging Face's from_pretrained): config.json,
 * vocab.txt, tokenizer_config.json, model.safetensors with "bert."-prefixed encoder names.
 */
export async function saveHfFolder(
  dir: string,
  config: BertConfig,
  weights: BertWeights,
  vocab: readonly string[] | WordPieceTokenizer,
  opts: SaveOptions = {},
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tokens = vocab instanceof WordPieceTokenizer ? vocab.vocab : vocab;
  const doLowerCase = opts.doLowerCase ?? (vocab instanceof WordPieceTokenizer ? vocab.doLowerCase : true);
  const C = weights['classifier.weight']?.shape[0];
  const out: Record<string, unknown> = {
    architectures: [
      C ? 'BertForSequenceClassification' : weights['cls.predictions.bias'] ? 'BertForMaskedLM' : 'BertModel',
    ],
    model_type: 'bert',
    ...config,
  };
  if (C) {
    out.num_labels = C;
    const id2label =
      config.id2label && Object.keys(config.id2label).length === C
        ? config.id2label
        : Object.fromEntries(Array.from({ length: C }, (_, i) => [String(i), `LABEL_${i}`]));
    out.id2label = id2label;
    out.label2id = Object.fromEntries(Object.entries(id2label).map(([k, v]) => [v, Number(k)]));
  }
  const named: BertWeights = {};
  // Heads keep their own prefixes (classifier., cls. for the MLM head); the encoder goes under bert.
  for (const [name, t] of Object.entries(weights)) named[/^(classifier|cls)\./.test(name) ? name : `bert.${name}`] = t;
  await writeFile(path.join(dir, 'config.json'), JSON.stringify(out, null, 2) + '\n');
  await writeFile(path.join(dir, 'vocab.txt'), tokens.join('\n') + '\n');
  await writeFile(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify(
      {
        tokenizer_class: 'BertTokenizer',
        do_lower_case: doLowerCase,
        model_max_length: config.max_position_embeddings,
      },
      null,
      2,
    ) + '\n',
  );
  if (opts.tokenizerJson)
    await writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJsonOf(tokens, doLowerCase)));
  await writeFile(path.join(dir, 'model.safetensors'), encodeSafetensors(named, opts.dtype ?? 'F32', { format: 'pt' }));
}

/** tokenizer.json for a WordPiece vocabulary, as HF's BertTokenizerFast saves it (what the loader and tokenizers.js read). */
function tokenizerJsonOf(tokens: readonly string[], lowercase: boolean): unknown {
  const ids = Object.fromEntries(tokens.map((t, i) => [t, i]));
  const special = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'].filter((t) => t in ids);
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: special.map((t) => ({
      id: ids[t],
      content: t,
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    })),
    normalizer: {
      type: 'BertNormalizer',
      clean_text: true,
      handle_chinese_chars: true,
      strip_accents: null,
      lowercase,
    },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: { type: 'BertProcessing', sep: ['[SEP]', ids['[SEP]']], cls: ['[CLS]', ids['[CLS]']] },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: ids,
    },
  };
}

export { CONVERT_HINT };
