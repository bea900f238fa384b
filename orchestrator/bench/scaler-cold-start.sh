#!/usr/bin/env bash
# Cold initialisation of the shard scaler from the shaded jar: JVM start to the first tick's answer, against
# moto_server (Kinesis and DynamoDB; started here, stopped on exit).
# Usage (from the repository root, after `mvn -o -pl orchestrator -am package -DskipTests` and test-compile):
#   orchestrator/bench/scaler-cold-start.sh [runs]
set -euo pipefail
runs="${1:-5}"
jar=orchestrator/target/sluice-orchestrator.jar
cp="$jar:orchestrator/target/test-classes"
# shellcheck source=../../benchmarks/moto-env.sh
. "$(dirname "$0")/../../benchmarks/moto-env.sh"
aws --endpoint-url "$AWS_ENDPOINT_URL" dynamodb create-table --table-name bench-coordination --billing-mode PAY_PER_REQUEST \
  --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S \
  --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE >/dev/null
aws --endpoint-url "$AWS_ENDPOINT_URL" kinesis create-stream --stream-name bench-orders --shard-count 4
# Last minute's load for every shard, as the operator writes it, so the tick reads real items.
minute=$(date -u -d '1 minute ago' +%Y-%m-%dT%H:%M:00Z)
for shard in $(aws --endpoint-url "$AWS_ENDPOINT_URL" kinesis list-shards --stream-name bench-orders \
    --query 'Shards[].ShardId' --output text); do
  aws --endpoint-url "$AWS_ENDPOINT_URL" dynamodb put-item --table-name bench-coordination --item \
    "{\"pk\":{\"S\":\"load#bench-orders#$shard\"},\"sk\":{\"S\":\"gmv-by-category#$minute\"},\"RecordsIn\":{\"N\":\"30000\"},
      \"BytesIn\":{\"N\":\"15000000\"},\"Batches\":{\"N\":\"60\"},\"IteratorAgeMillis\":{\"N\":\"200\"},
      \"HotKeys\":{\"M\":{}},\"HotKeysOf\":{\"N\":\"500\"}}"
done
export CBOR_ENABLED=false   # moto speaks JSON to the Kinesis client
export SLUICE_ORDERS_STREAM=bench-orders SLUICE_COORDINATION_TABLE=bench-coordination SLUICE_PIPELINE=gmv-by-category
export SLUICE_SCALING_MIN_SHARDS=4 SLUICE_SCALING_MAX_SHARDS=512
echo "jar: $(du -k "$jar" | cut -f1) KiB ($(stat -c %s "$jar") bytes)"
for i in $(seq 1 "$runs"); do
  # Each run is a fresh JVM as Lambda's Java runtime configures it: C1 only, the serial collector (LambdaJvm.FLAGS).
  java -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp "$cp" \
    io.sluice.orchestrator.lambda.ScalerColdStart 2>"$work/err" >"$work/out" || { tail -30 "$work/err"; exit 1; }
  grep "^cold-start" "$work/err"
done
