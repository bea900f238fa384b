#!/usr/bin/env bash
# Issue 15: the peer (plain reference loop + Flink 1.20 streaming p1) and Sluice back to back on the peer's 10M-order
# file, each as a whole process, with wall and CPU time and the sha of the sorted result body.
#   benchmarks/peer-side-by-side.sh PEER_DIR [BASELINE_JAR]
# PEER_DIR is a copy of ../shared/peers/flink that has run `./run.sh 10000000` once (built, data generated).
# BASELINE_JAR (optional) is another build's cli/target/sluice.jar, run as `java -Xmx4g -jar` (main's launcher).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peer="$(cd "${1:?usage: $0 PEER_DIR [BASELINE_JAR]}" && pwd)"
baseline="${2:-}"
data="$peer/data/orders-10000000-s42.jsonl"
out="$(mktemp -d)"
echo "load before: $(cat /proc/loadavg)"
(cd "$peer" && SKIP_BUILD=1 REPEAT=1 CONFIGS="flink-g1-streaming-p1" ./run.sh 10000000 2>/dev/null | tail -5)
timed() { local label="$1"; shift; /usr/bin/time -f "$label wall_s=%e user_s=%U sys_s=%S" "$@" 2>&1 >/dev/null | grep 'wall_s='; }
for mode in batch stream; do
  opts=(--mode "$mode"); [ "$mode" = stream ] && opts+=(--shards 4 --batch-size 1000)
  if [ -n "$baseline" ]; then
    timed "baseline-$mode" java -Xmx4g -jar "$baseline" run --pipeline gmv-by-category --input "$data" \
      --out "$out/baseline-$mode.csv" "${opts[@]}"
  fi
  timed "sluice-$mode" "$root/sluice" run --pipeline gmv-by-category --input "$data" --out "$out/sluice-$mode.csv" "${opts[@]}"
done
for f in "$out"/*.csv; do
  case "$f" in *.rejects.*|*.late.*) continue ;; esac
  echo "$(basename "$f") body_sha256=$(tail -n +2 "$f" | sha256sum | cut -d' ' -f1)"
done
echo "reference g1 sha256=$(sha256sum "$peer/data/out-10000000-s42/ref.g1.csv" | cut -d' ' -f1)"
echo "load after: $(cat /proc/loadavg)"
rm -rf "$out"
