#!/usr/bin/env bash
# Session lateness, Sluice against Apache Flink 1.20.5 (not part of the reactor build or CI).
# Usage: ./run.sh [records]   (default 200000)
# Env: SEED (default 18), USERS (2000), BEYOND (0.03: share of records 6 s to 40 min late), BATCH (1000: Sluice's batch
#      size and Flink's watermark interval in records), DATA_DIR (./data), SKIP_BUILD=1.
# Needs the Sluice CLI built first: mvn -B -pl cli -am package -DskipTests (at the repository root).
set -euo pipefail
source "$(dirname "$0")/common.sh"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
N="${1:-200000}"; SEED="${SEED:-18}"; USERS="${USERS:-2000}"; BEYOND="${BEYOND:-0.03}"; BATCH="${BATCH:-1000}"
DATA_DIR="${DATA_DIR:-$HERE/data}"; mkdir -p "$DATA_DIR"
DATA="$DATA_DIR/session-orders-$N-s$SEED-b$BEYOND.jsonl"
OUT="$DATA_DIR/out-$N-s$SEED-b$BEYOND-batch$BATCH"; mkdir -p "$OUT"

peer_build
# Sluice's pipeline, compiled against the functions module into a pipeline jar (./sluice run --jar).
mkdir -p "$HERE/target/sluice-classes"
javac --release 17 -cp "$ROOT/functions/target/classes" -d "$HERE/target/sluice-classes" \
  "$HERE/sluice/bench/UserSessions.java"
cp -r "$HERE/sluice/META-INF" "$HERE/target/sluice-classes/"
(cd "$HERE/target/sluice-classes" && jar cf "$HERE/target/user-sessions.jar" .)

if [[ ! -s "$DATA" ]]; then
  java -cp "$PEER_CP" peer.SessionOrdersGen --records "$N" --users "$USERS" --seed "$SEED" --beyond "$BEYOND" \
    --out "$DATA.tmp" && mv "$DATA.tmp" "$DATA"
fi
echo "data: $DATA sha256=$(sha256sum "$DATA" | cut -d' ' -f1)" >&2

for m in streaming batch; do
  java "$FLINK_HEAP" "${FLINK_JAVA_OPTS[@]}" -cp "$PEER_CP" peer.FlinkSessions --in "$DATA" --mode "$m" \
    --emit-every "$BATCH" --out "$OUT/flink-$m.csv" --late-out "$OUT/flink-$m.late.csv"
done
for m in stream batch; do
  extra=(--tasks 1); [[ $m == stream ]] && extra=(--shards 1)
  "$ROOT/sluice" run --jar "$HERE/target/user-sessions.jar" --pipeline user-sessions --input "$DATA" \
    --out "$OUT/sluice-$m.csv" --mode "$m" "${extra[@]}" --batch-size "$BATCH" --late "$OUT/sluice-$m.late.jsonl" \
    2> "$OUT/sluice-$m.log" || { tail -20 "$OUT/sluice-$m.log"; exit 1; }
done
# Invariant check: Sluice's stream result equals its batch result over the records it did not judge late.
python3 "$HERE/compare.py" filter "$DATA" "$OUT/sluice-stream.late.jsonl" > "$OUT/on-time.jsonl"
"$ROOT/sluice" run --jar "$HERE/target/user-sessions.jar" --pipeline user-sessions --input "$OUT/on-time.jsonl" \
  --out "$OUT/sluice-batch-on-time.csv" --mode batch --tasks 1 2> "$OUT/sluice-batch-on-time.log"
python3 "$HERE/compare.py" report "$OUT" "records=$N seed=$SEED users=$USERS beyond=$BEYOND batch=$BATCH" "$DATA" "$BATCH"
