import { Command } from 'commander';
import { DistilleryError } from '../../shared/errors';
import { PIPELINE_DEFAULTS, runPipeline, type TeacherSource } from '../../worker/jobs/pipeline-job';
import { pipelineTable } from '../../worker/jobs/pipeline-report';
import { announceBackend } from '../backend-info';
import { sigintCancel } from '../cancel';
import { PIPELINE_OPTIONS } from '../../shared/job-options';
import { addTrainOptions, positiveInt, sourceAlphaOptions, tableOption, trainJobOptions } from '../options';
import { info, stderrProgress } from '../progress';

const HELP = `
Teacher (exactly one):
  --teacher-model-dir DIR   fine-tune this Hugging Face BERT folder (config.json, vocab.txt, model.safetensors)
  --pretrain                pre-train a small BERT by masked LM on the data's texts (the test texts held out), then fine-tune it
  --teacher-ensemble K      K students of --teacher-arch with seeds 1..K, probabilities averaged
  --teacher DIR             an already-trained teacher: \`teacher train\` output, a model folder, or a pipeline's teacher/

All models share one train/valid/test split (--split-seed, default --seed) and are evaluated and timed on
the same test rows through onnxruntime-node. Writes OUT/teacher, OUT/plain, OUT/distilled (model.onnx in
each), OUT/teacher-outputs.jsonl, OUT/prelabels.jsonl (rows without a label), OUT/report.json, OUT/report.md.
Student options are train's and distill's (--model, --hidden, --layers, --epochs, …).
With --source-col (the column naming each label's source), --source-weights weights both students'
hard labels and --source-alpha sets the distilled student's α per source, as for distill.

Example:
  distillery pipeline --data reviews.csv --pretrain --out runs/pipeline
  distillery pipeline --data reviews.csv --teacher-ensemble 5 --teacher-arch textcnn --runs 5`;

export function pipelineCommand(): Command {
  return addTrainOptions(
    new Command('pipeline')
      .description(
        'Teacher → pre-label → plain and distilled student → evaluate → export, with one report comparing the three.',
      )
      .requiredOption('--data <file>', 'corpus: labeled rows (and rows without a label, which the teacher pre-labels)')
      .option('--out <dir>', 'pipeline folder to write', 'runs/pipeline')
      .option('--teacher-model-dir <dir>', 'teacher: fine-tune this Hugging Face BERT folder')
      .option('--pretrain', "teacher: pre-train a small BERT (masked LM) on the data's texts, then fine-tune it")
      .option(
        '--teacher-ensemble <k>',
        'teacher: an ensemble of k students (seeds 1..k)',
        positiveInt('--teacher-ensemble'),
      )
      .option('--teacher <dir>', 'teacher: an already-trained teacher folder')
      .addOption(tableOption(PIPELINE_OPTIONS, 'teacherArch'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'teacherEpochs'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'teacherBatchSize'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'teacherLr'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'teacherMaxLen'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'teacherPatience'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'teacherSeed'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'pretrainLayers'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'pretrainHidden'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'pretrainHeads'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'pretrainIntermediate'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'pretrainVocabSize'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'pretrainMinFreq'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'pretrainEpochs'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'pretrainBatchSize'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'pretrainLr'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'alpha'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'sourceAlpha'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'temperature'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'useUnlabeled'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'runs'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'latencyDocs'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'latencyBatch'))
      .addOption(tableOption(PIPELINE_OPTIONS, 'threads'))
      .addHelpText('after', HELP),
  ).action(async (o) => {
    const sources: TeacherSource[] = [
      ...(o.teacherModelDir ? [{ kind: 'model-dir' as const, dir: o.teacherModelDir as string }] : []),
      ...(o.pretrain ? [{ kind: 'pretrain' as const }] : []),
      ...(o.teacherEnsemble
        ? [
            {
              kind: 'ensemble' as const,
              size: o.teacherEnsemble as number,
              arch: o.teacherArch as string,
              epochs: o.teacherEpochs as number | undefined,
            },
          ]
        : []),
      ...(o.teacher ? [{ kind: 'existing' as const, dir: o.teacher as string }] : []),
    ];
    if (sources.length !== 1) {
      throw new DistilleryError(
        'CONFIG',
        `${sources.length ? 'more than one teacher given' : 'no teacher given'}: pass exactly one of --teacher-model-dir DIR, --pretrain, --teacher-ensemble K, --teacher DIR`,
        { field: 'teacher' },
      );
    }
    // Before any stage: --source-alpha without --source-col is a usage error.
    sourceAlphaOptions(o);
    const cancel = sigintCancel();
    let sink: ReturnType<typeof stderrProgress> | undefined;
    const endSink = () => {
      sink?.done();
      sink = undefined;
    };
    try {
      info(`distillery pipeline: ${sources[0].kind} teacher → ${o.model} students on ${o.data}`);
      await announceBackend(o.backend);
      const { report, reportMd, reportJson } = await runPipeline(
        {
          ...trainJobOptions(o),
          out: o.out,
          teacher: sources[0],
          teacherTrain: {
            epochs: (o.teacherEpochs as number | undefined) ?? PIPELINE_DEFAULTS.teacherTrain.epochs,
            batchSize: o.teacherBatchSize,
            learningRate: o.teacherLr,
            maxLen: o.teacherMaxLen,
            patience: o.teacherPatience,
            seed: o.teacherSeed,
          },
          pretrain: {
            layers: o.pretrainLayers,
            hidden: o.pretrainHidden,
            heads: o.pretrainHeads,
            intermediate: o.pretrainIntermediate,
            vocabSize: o.pretrainVocabSize,
            minFreq: o.pretrainMinFreq,
            epochs: o.pretrainEpochs,
            batchSize: o.pretrainBatchSize,
            learningRate: o.pretrainLr,
          },
          alpha: o.alpha,
          ...sourceAlphaOptions(o),
          temperature: o.temperature,
          useUnlabeled: o.useUnlabeled !== false,
          runs: o.runs,
          latency: { docs: o.latencyDocs, batchSizes: o.latencyBatch, threads: o.threads },
        },
        {
          onStage: (k, total, name) => {
            endSink();
            info(`[stage ${k}/${total}] ${name}`);
          },
          progress: (k, total, part) => {
            endSink();
            sink = stderrProgress(`[${k}/${total}${part ? ` ${part}` : ''}] `);
            return sink;
          },
          log: (m) => {
            endSink();
            info(m);
          },
        },
        cancel,
      );
      endSink();
      process.stdout.write(
        JSON.stringify({
          out: o.out,
          report: reportMd,
          report_json: reportJson,
          teacher: report.teacher.description,
          task: report.task,
          split: report.split,
          rows: report.rows.map((r) => ({
            name: r.name,
            kind: r.kind,
            params: r.params,
            size_mb: r.size_mb,
            ...r.metrics,
            ...(r.runs ? { runs: r.runs } : {}),
            latency_ms_per_doc: r.latency_ms_per_doc,
            cpu_ms_per_doc: r.cpu_ms_per_doc,
          })),
          backend: report.backend.training,
        }) + '\n',
      );
      info(`teacher: ${report.teacher.description}`);
      info(pipelineTable(report.rows, report.latency.batch_sizes));
      info(`wrote ${reportMd}`);
    } finally {
      endSink();
      cancel.dispose();
    }
  });
}
