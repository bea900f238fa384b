#!/usr/bin/env bash
# Issue 15: the Kinesis handler's CPU in Lambda's JVM (C1 only, serial GC), two checkouts alternated round by round so
# that both see the same load (on a shared machine, runs one after the other differ by more than the changes measured).
#   [ROUNDS=N] [BENCH=handler|read] [BATCH=10000] benchmarks/paired-handler.sh BASE_DIR
# BASE_DIR is another checkout of this repository (e.g. `git worktree add ../base <commit>`). Both run through
# `mvn -pl functions -am`, so each uses its own modules and neither installs anything.
#   handler: KinesisHandlerCostBenchmark, 400,000 orders on 2 shards in batches of up to BATCH, 3 warm-up runs, over
#            kept-alive connections; per round the handler threads' CPU ms per 1,000 records on a median batch and
#            the mean over batches that fire nothing.
#   read:    KinesisEventReaderCpuBenchmark, one event of BATCH records; per round the reader's CPU ms per 1,000
#            records in its last two of eight rounds.
# Prints each round's two figures and, at the end, each figure's median and range on each side.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
base="$(cd "${1:?usage: [ROUNDS=N] [BENCH=handler|read] [BATCH=10000] $0 BASE_DIR}" && pwd)"
rounds="${ROUNDS:-3}"
bench="${BENCH:-handler}"
batch="${BATCH:-10000}"
lambda='-Dsluice.test.jvmArgs=-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC'
out="$(mktemp -d)"
run() {   # run DIR: the benchmark in that checkout, its figures on stdout one per line
  local dir="$1"
  if [ "$bench" = read ]; then
    (cd "$dir" && mvn -B -o -q -pl functions -am test -Dtest=KinesisEventReaderCpuBenchmark \
      -Dsurefire.failIfNoSpecifiedTests=false -Dsluice.benchmark.batchSize="$batch" "$lambda" 2>&1) \
      | sed -n 's/^round [67]:.* reader \([0-9.]*\).*/\1/p'
  else
    (cd "$dir" && mvn -B -o -q -pl functions -am test -Dtest=KinesisHandlerCostBenchmark \
      -Dsurefire.failIfNoSpecifiedTests=false -Dsluice.benchmark.warmups=3 -Dsluice.benchmark.records=400000 \
      -Dsluice.benchmark.batchSize="$batch" -Dsluice.benchmark.keepAlive=true "$lambda" 2>&1) \
      | sed -n -e "s/^| handler threads' CPU ms per 1,000 records (median batch) | [0-9]* | \([0-9.]*\) |/\1/p" \
               -e "s/^| handler threads' CPU ms per 1,000 records, batches that fire no window (mean) | [0-9]* | \([0-9.]*\) |/\1/p"
  fi
}
for ((r = 1; r <= rounds; r++)); do
  for side in base this; do
    dir="$root"; [ "$side" = base ] && dir="$base"
    started="$(date -u +%H:%M:%S), load $(cut -d' ' -f1 /proc/loadavg)"
    figures="$(run "$dir" | tr '\n' ' ')"
    if [ -z "$figures" ]; then
      echo "round $r $side: the benchmark printed no figures (run it by hand in $dir to see why)" >&2
      exit 1
    fi
    echo "round $r $side (from $started): $figures"
    echo "$figures" >> "$out/$side"
  done
done
columns=("handler threads, median batch" "batches that fire nothing, mean")
[ "$bench" = read ] && columns=("reader, round 6 of 8" "reader, round 7 of 8")
echo "CPU ms per 1,000 records, median over $rounds round(s) (range):"
for c in 1 2; do
  line="  ${columns[$((c - 1))]}:"
  for side in base this; do
    line+="$(awk -v c="$c" '{ print $c }' "$out/$side" | sort -n | awk -v s="$side" '{ v[NR] = $1 } END {
      printf " %s %.3f (%.3f-%.3f)", s, NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2, v[1], v[NR] }')"
  done
  echo "$line"
done
rm -rf "$out"
