#!/bin/bash
# Student predict's CPU time per document (bench/predict-speed.md). Usage:
#   bench/predict-speed.sh CHECKOUT MODEL LINES.txt RUNS [KEEP.jsonl]
# One line per run: user+sys of the whole predict process (every thread, start-up included) per
# document, wall-clock docs/s (noise on a shared machine) and max RSS, from /usr/bin/time. With
# KEEP.jsonl the last run's output is kept there (to cmp one checkout's against another's).
set -eu
root=$1 model=$2 data=$3 runs=$4 keep=${5:-}
t=$(mktemp)
for r in $(seq "$runs"); do
  /usr/bin/time -f "%U %S %e %M" -o "$t" node "$root/bin/distillery.mjs" predict --model "$model" --data "$data" >"$t.out" 2>/dev/null
  read -r u s e m <"$t"
  n=$(wc -l <"$t.out")
  echo "$(basename "$data") n=$n cpu_s=$(echo "$u+$s" | bc) cpu_us_per_doc=$(echo "scale=1;($u+$s)*1000000/$n" | bc) wall_s=$e docs_per_s=$(echo "$n/$e" | bc) max_rss_mb=$((m / 1024)) load=$(cut -d' ' -f1 /proc/loadavg)"
done
if [ -n "$keep" ]; then mv "$t.out" "$keep"; fi
rm -f "$t" "$t.out"
