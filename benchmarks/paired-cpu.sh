#!/usr/bin/env bash
# Issue 15: CPU seconds of two builds of `sluice run` on the peer's 10M-order file, started together so that both see
# the same load (on a shared machine, runs one after the other differ by more than the changes measured).
#   benchmarks/paired-cpu.sh MODE A B [REPS]
# MODE is batch or stream (4 shards, batches of 1,000); A and B are a build's sluice.jar (run as the launcher runs it:
# with its .jsa next to it if present, and cli/jvm.options) or "." for this checkout's ./sluice. Prints CPU
# (user + sys) and wall of each, B/A, and checks both result bodies against the peer's reference. DATA (required) is
# the peer's 10M-order file; REF defaults to the peer's reference result next to it.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
mode=${1:?usage: $0 MODE A B [REPS]}; a=${2:?}; b=${3:?}; reps=${4:-3}
data=${DATA:?set DATA to the peer data file data/orders-10000000-s42.jsonl (a copy of ../shared/peers/flink after ./run.sh 10000000)}
ref=${REF:-$(dirname "$data")/out-10000000-s42/ref.g1.csv}
opts=(--mode "$mode"); [ "$mode" = stream ] && opts+=(--shards 4 --batch-size 1000)
out=$(mktemp -d)
launch() {
  if [ "$1" = . ]; then echo "$root/sluice"; return; fi
  local jsa="${1%.jar}.jsa" cds=""
  [ -f "$jsa" ] && cds="-XX:SharedArchiveFile=$jsa -Xlog:cds=off -Xlog:cds+dynamic=off"
  echo "java $cds $(grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$root/cli/jvm.options" | tr '\n' ' ') -jar $1"
}
for ((r = 1; r <= reps; r++)); do
  /usr/bin/time -f "%U %S %e" -o "$out/a.t" $(launch "$a") run --pipeline gmv-by-category --input "$data" \
    --out "$out/a.csv" "${opts[@]}" >/dev/null 2>&1 &
  pa=$!
  /usr/bin/time -f "%U %S %e" -o "$out/b.t" $(launch "$b") run --pipeline gmv-by-category --input "$data" \
    --out "$out/b.csv" "${opts[@]}" >/dev/null 2>&1 &
  pb=$!
  wait $pa $pb
  read -r ua sa ea < "$out/a.t"; read -r ub sb eb < "$out/b.t"
  printf '%s %d: A cpu_s=%.2f wall_s=%s | B cpu_s=%.2f wall_s=%s | B/A cpu=%.3f | load=%s\n' "$mode" "$r" \
    "$(echo "$ua + $sa" | bc)" "$ea" "$(echo "$ub + $sb" | bc)" "$eb" "$(echo "($ub + $sb) / ($ua + $sa)" | bc -l)" \
    "$(cut -d' ' -f1 /proc/loadavg)"
done
want=$(sha256sum "$ref" | cut -d' ' -f1)
for f in a b; do
  got=$(tail -n +2 "$out/$f.csv" | sha256sum | cut -d' ' -f1)
  [ "$got" = "$want" ] && echo "$f: result body sha256 $got = reference" || echo "$f: result body sha256 $got DIFFERS from $want"
done
rm -rf "$out"
