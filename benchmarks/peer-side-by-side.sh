#!/usr/bin/env bash
# Issue 15: the peer (plain reference loop + Flink 1.20 streaming p1) and Sluice back to back on the peer's 10M-order
# file, each as a whole process, with wall and CPU time and the sha of the sorted result body.
#   [ROUNDS=N] benchmarks/peer-side-by-side.sh PEER_DIR [BASELINE_JAR]
# PEER_DIR is a copy of ../shared/peers/flink that has run `./run.sh 10000000` once (built, data generated).
# BASELINE_JAR (optional) is another build's cli/target/sluice.jar, run as `java -Xmx4g -jar` (main's launcher).
# Each round prints the issue's three ratios from its own runs, which are minutes apart at most; with ROUNDS > 1 the
# last line gives their medians (on a shared machine the loop's own wall moves by a fifth from one run to the next).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peer="$(cd "${1:?usage: [ROUNDS=N] $0 PEER_DIR [BASELINE_JAR]}" && pwd)"
baseline="${2:-}"
rounds="${ROUNDS:-1}"
data="$peer/data/orders-10000000-s42.jsonl"
out="$(mktemp -d)"
timed() { local label="$1"; shift; /usr/bin/time -f "$label wall_s=%e user_s=%U sys_s=%S" "$@" 2>&1 >/dev/null | grep 'wall_s='; }
wall() { sed -n "s/^$1 wall_s=\([0-9.]*\).*/\1/p" "$out/round.txt"; }
for ((round = 1; round <= rounds; round++)); do
  echo "round $round of $rounds, load before: $(cat /proc/loadavg)"
  peer_table="$(cd "$peer" && SKIP_BUILD=1 REPEAT=1 CONFIGS="flink-g1-streaming-p1" ./run.sh 10000000 2>/dev/null | tail -5)"
  echo "$peer_table"
  {
    echo "$peer_table" | awk '$1 == "reference-g1" { print "loop wall_s=" $2 } $1 == "flink-g1-streaming-p1" { print "flink wall_s=" $2 }'
    for mode in batch stream; do
      opts=(--mode "$mode"); [ "$mode" = stream ] && opts+=(--shards 4 --batch-size 1000)
      if [ -n "$baseline" ]; then
        timed "baseline-$mode" java -Xmx4g -jar "$baseline" run --pipeline gmv-by-category --input "$data" \
          --out "$out/baseline-$mode.csv" "${opts[@]}"
      fi
      timed "sluice-$mode" "$root/sluice" run --pipeline gmv-by-category --input "$data" \
        --out "$out/sluice-$mode.csv" "${opts[@]}"
    done
  } > "$out/round.txt"
  grep -v '^loop \|^flink ' "$out/round.txt"
  for f in "$out"/*.csv; do
    case "$f" in *.rejects.*|*.late.*|*.dead-letters.*) continue ;; esac
    echo "$(basename "$f") body_sha256=$(tail -n +2 "$f" | sha256sum | cut -d' ' -f1)"
  done
  awk -v r="$round" -v loop="$(wall loop)" -v flink="$(wall flink)" -v batch="$(wall sluice-batch)" \
      -v stream="$(wall sluice-stream)" 'BEGIN {
    printf "round %d ratios: batch %.2fx the loop (goal 0.9), %.2fx Flink (goal 4); stream %.2fx Flink (goal 3)\n",
        r, loop / batch, flink / batch, flink / stream
  }' | tee -a "$out/ratios.txt"
done
echo "reference g1 sha256=$(sha256sum "$peer/data/out-10000000-s42/ref.g1.csv" | cut -d' ' -f1)"
echo "load after: $(cat /proc/loadavg)"
if [ "$rounds" -gt 1 ]; then
  awk '{ b[NR] = $5 + 0; f[NR] = $10 + 0; s[NR] = $15 + 0 }
    function median(a, n,   i, j, t) {
      for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
      return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
    }
    END { printf "medians over %d rounds: batch %.2fx the loop, %.2fx Flink; stream %.2fx Flink\n",
        NR, median(b, NR), median(f, NR), median(s, NR) }' "$out/ratios.txt"
fi
rm -rf "$out"
