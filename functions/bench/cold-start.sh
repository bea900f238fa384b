#!/usr/bin/env bash
# Cold initialisation of the Kinesis operator handler from the shaded jar: JVM start to first response, plain
# RequestHandler vs MicronautRequestHandler, against moto_server (started here, stopped on exit).
# Usage (from the repository root, after `mvn -o -pl functions,functions-micronaut -am package -DskipTests` and
# `mvn -o -pl functions -am test-compile`):
#   functions/bench/cold-start.sh [runs]
# JAR=path/to/other-sluice-functions.jar MODES=plain compares another build of the plain handler (issue 15's HTTP
# clients: the same test classes with each jar).
set -euo pipefail
runs="${1:-5}"
jar="${JAR:-functions/target/sluice-functions.jar}"
micronaut_jar=functions-micronaut/target/sluice-functions-micronaut.jar
modes="${MODES:-plain micronaut}"
# shellcheck source=../../benchmarks/moto-env.sh
. "$(dirname "$0")/../../benchmarks/moto-env.sh"
for t in bench-state bench-coordination bench-results; do
  aws --endpoint-url "$AWS_ENDPOINT_URL" dynamodb create-table --table-name "$t" --billing-mode PAY_PER_REQUEST \
    --attribute-definitions AttributeName=pk,AttributeType=S AttributeName=sk,AttributeType=S \
    --key-schema AttributeName=pk,KeyType=HASH AttributeName=sk,KeyType=RANGE >/dev/null
done
aws --endpoint-url "$AWS_ENDPOINT_URL" kinesis create-stream --stream-name bench-orders --shard-count 1
export BENCH_STREAM_ARN=arn:aws:kinesis:us-east-1:123456789012:stream/bench-orders
export CBOR_ENABLED=false  # moto speaks JSON to the Kinesis client (ListShards on the first batch)
aws --endpoint-url "$AWS_ENDPOINT_URL" s3api create-bucket --bucket bench-results >/dev/null
queue=$(aws --endpoint-url "$AWS_ENDPOINT_URL" sqs create-queue --queue-name bench-dlq --query QueueUrl --output text)
export SLUICE_PIPELINE=gmv-by-category SLUICE_STATE_TABLE=bench-state SLUICE_COORDINATION_TABLE=bench-coordination
export SLUICE_RESULTS_TABLE=bench-results SLUICE_RESULTS_BUCKET=bench-results SLUICE_DEAD_LETTER_QUEUE_URL="$queue"
echo "jar: $(du -k "$jar" | cut -f1) KiB ($(stat -c %s "$jar") bytes); micronaut variant: $(stat -c %s "$micronaut_jar" 2>/dev/null || echo "not built") bytes"
for mode in $modes; do
  if [ "$mode" = micronaut ]; then cp="$micronaut_jar:functions/target/test-classes"; else cp="$jar:functions/target/test-classes"; fi
  for i in $(seq 1 "$runs"); do
    # Each run is a fresh JVM as Lambda's Java runtime configures it: C1 only, the serial collector (LambdaJvm.FLAGS).
    java -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto -cp "$cp" \
      io.sluice.functions.lambda.ColdStart "$mode" 2>"$work/err" >/dev/null || { tail -30 "$work/err"; exit 1; }
    grep "^cold-start" "$work/err"
  done
done
