#!/usr/bin/env bash
# Builds and runs the local-runner benchmark (io.sluice.benchmarks.RunBenchmark).
#   benchmarks/run.sh                         # 10M records, 3 repeats, both GMV pipelines, all variants
#   benchmarks/run.sh --records 1000000 --repeat 1 --variants loop-bind,batch
#   JAVA_OPTS="-XX:StartFlightRecording=filename=/tmp/sluice-bench/batch.jfr,settings=profile" benchmarks/run.sh --variants batch
#   benchmarks/run.sh --jfr-top /tmp/sluice-bench/batch.jfr   # summarise a recording
# The input (~1 GB for 10M records) is generated once under /tmp/sluice-bench (override with --dir).
# It rebuilds state-store, functions and benchmarks first (about 15 s), so a re-run measures the current code;
# NO_BUILD=1 skips that.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cp_file="$root/benchmarks/target/classpath.txt"
if [[ "${NO_BUILD:-0}" != 1 || ! -f "$cp_file" || ! -d "$root/benchmarks/target/classes" ]]; then
  # package, not install: the reactor's own jars, never another checkout's snapshot from ~/.m2.
  (cd "$root" && mvn -q -o -pl benchmarks -am -DskipTests package dependency:build-classpath \
      -Dmdep.outputFile=target/classpath.txt -DincludeScope=runtime)
fi
cp="$root/benchmarks/target/classes:$(cat "$cp_file")"
main=io.sluice.benchmarks.RunBenchmark
if [[ "${1:-}" == "--jfr-top" ]]; then
  main=io.sluice.benchmarks.JfrTop
  shift
fi
echo "+ java -Xmx4g ${JAVA_OPTS:-} -cp <benchmarks classpath> $main $*" >&2
# shellcheck disable=SC2086
exec java -Xmx4g ${JAVA_OPTS:-} -cp "$cp" "$main" "$@"
