#!/bin/bash
# #3's must-show on waimai_10k: a small BERT pre-trained here by `teacher pretrain` on the review texts,
# fine-tuned as the teacher (5 seeds), against the plain and the distilled small BiLSTM (5 seeds), all on
# the split of --split-seed 42. Student seed s distills from teacher seed s.
# Usage: bash bench/pretrained-teacher.sh [DATA] [RUNS_DIR]   (hours on a 2-core CPU; resumable: finished steps are skipped)
set -euo pipefail
cd "$(dirname "$0")/.."
DATA=${1:-../shared/data/waimai_10k.csv}
R=${2:-runs}
D="node bin/distillery.mjs"
mkdir -p "$R"
STUDENT="--model bilstm --hidden 64 --layers 1 --epochs 4 --patience 1 --split-seed 42 --no-charts"

[ -f "$R/pt-waimai/pretrain.json" ] || $D teacher pretrain --data "$DATA" --out "$R/pt-waimai" --layers 3 --hidden 128 --heads 4 --max-len 64 --epochs 5 --seed 42 > "$R/pt-waimai.json" 2> "$R/pt-waimai.log"

teacher() { # seed
  local s=$1 t="$R/bt-teacher-$1"
  [ -f "$t/teacher.json" ] || $D teacher train --model-dir "$R/pt-waimai" --data "$DATA" --out "$t" --seed "$s" --split-seed 42 --epochs 3 --patience 1 --max-len 64 --lr 2e-4 > "$t.json" 2> "$t.log"
  [ -f "$t.jsonl" ] || $D teacher predict --model "$t" --data "$DATA" --out "$t.jsonl" 2>> "$t.log"
}
student() { # seed
  local s=$1 o="$R/bt-distilled-$1"
  [ -f "$o.json" ] && [ -s "$o.json" ] || $D distill --data "$DATA" $STUDENT --seed "$s" --teacher-outputs "$R/bt-teacher-$s.jsonl" --teacher-name "pretrained-here-bert-seed-$s" --alpha 0.5 --temperature 3 --out "$o" > "$o.json" 2> "$o.log"
}
# Two at a time: tfjs-wasm runs one thread per process.
(teacher 1; teacher 3; teacher 5) & (teacher 2; teacher 4) & wait
(student 1; student 3; student 5) & (student 2; student 4) & wait
[ -s "$R/plain-bilstm.json" ] || $D train --data "$DATA" $STUDENT --seed 1 --runs 5 --out "$R/plain-bilstm" > "$R/plain-bilstm.json" 2> "$R/plain-bilstm.log"
node -e '
const fs = require("fs"), R = process.argv[1];
const stat = (xs) => { const m = xs.reduce((a, b) => a + b, 0) / xs.length; return `${(100 * m).toFixed(2)} ± ${(100 * Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1))).toFixed(2)}`; };
const T = [1, 2, 3, 4, 5].map((s) => JSON.parse(fs.readFileSync(`${R}/bt-teacher-${s}.json`, "utf8")));
const S = [1, 2, 3, 4, 5].map((s) => JSON.parse(fs.readFileSync(`${R}/bt-distilled-${s}.json`, "utf8")));
const P = JSON.parse(fs.readFileSync(`${R}/plain-bilstm.json`, "utf8")).runs.map((r) => r.metrics);
console.log(`teacher (${T[0].teacher}, ${T[0].params} params): accuracy ${stat(T.map((t) => t.accuracy))}, macro-F1 ${stat(T.map((t) => t.macro_f1))}`);
console.log(`plain BiLSTM: accuracy ${stat(P.map((m) => m.accuracy))}, macro-F1 ${stat(P.map((m) => m.macro_f1))}`);
console.log(`distilled BiLSTM: accuracy ${stat(S.map((m) => m.accuracy))}, macro-F1 ${stat(S.map((m) => m.macro_f1))}`);
console.log("per seed (teacher / plain / distilled):", T.map((t, i) => `${(100 * t.accuracy).toFixed(2)}/${(100 * P[i].accuracy).toFixed(2)}/${(100 * S[i].accuracy).toFixed(2)}`).join("  "));
' "$R" | tee "$R/pretrained-teacher-summary.txt"

# Second teacher from the same runs: the ensemble of the 5 fine-tuned seeds (mean probabilities),
# distilled into the same 5 student seeds.
ENS="$R/bt-teacher-ensemble.jsonl"
[ -f "$ENS" ] || node bench/average-teacher-outputs.mjs "$ENS" "ensemble of 5 BERTs pre-trained here (masked LM on the review texts), fine-tuned with seeds 1-5" $(for s in 1 2 3 4 5; do echo "$R/bt-teacher-$s.jsonl"; done)
ens_student() { # seed
  local s=$1 o="$R/bt-ens-distilled-$1"
  [ -f "$o.json" ] && [ -s "$o.json" ] || $D distill --data "$DATA" $STUDENT --seed "$s" --teacher-outputs "$ENS" --alpha 0.5 --temperature 3 --out "$o" > "$o.json" 2> "$o.log"
}
(ens_student 1; ens_student 3; ens_student 5) & (ens_student 2; ens_student 4) & wait
node -e '
const fs = require("fs"), R = process.argv[1];
const stat = (xs) => { const m = xs.reduce((a, b) => a + b, 0) / xs.length; return `${(100 * m).toFixed(2)} ± ${(100 * Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1))).toFixed(2)}`; };
const S = [1, 2, 3, 4, 5].map((s) => JSON.parse(fs.readFileSync(`${R}/bt-ens-distilled-${s}.json`, "utf8")));
console.log(`distilled BiLSTM from the 5-teacher ensemble: accuracy ${stat(S.map((m) => m.accuracy))}, macro-F1 ${stat(S.map((m) => m.macro_f1))}; per seed ${S.map((m) => (100 * m.accuracy).toFixed(2)).join(" ")}`);
' "$R" | tee -a "$R/pretrained-teacher-summary.txt"
npx tsx bench/score-teacher-outputs.ts "$DATA" 42 "$ENS" | tee -a "$R/pretrained-teacher-summary.txt"
