package io.sluice.orchestrator.cost;

/**
 * What Sluice measured the serverless path to cost per record and per batch (BENCHMARKS.md, issues 5 and 15), the
 * inputs of a {@link NightBill}. Immutable; {@link #measured()} is the current figure set.
 *
 * @param cpuMillisPerThousandRecords the Kinesis handler's CPU per 1,000 records ({@code KinesisHandlerCostBenchmark})
 * @param roundTripsPerBatch          sequential DynamoDB calls per batch (the same benchmark, median batch)
 * @param roundTripMillis             one in-region DynamoDB round trip as Lambda waits for it
 * @param lambdaMemoryMb              the operator function's memory ({@code template.yaml})
 * @param flinkRecordsPerKpuSecond    what one Flink KPU (1 vCPU) takes at the peak: the peer's measured streaming p1
 *                                    rate on one core, a generous figure (no Kinesis source, no checkpoints)
 */
public record ServerlessWork(double cpuMillisPerThousandRecords, double roundTripsPerBatch, double roundTripMillis,
                             int lambdaMemoryMb, double flinkRecordsPerKpuSecond) {

    /** Batch sizes of the DynamoDB unit table (BENCHMARKS.md, "DynamoDB state cost", 2026-12-06 re-run). */
    static final double[] UNIT_BATCH_SIZES = {100, 1_000, 10_000};
    /** Write units per 1,000 records at those batch sizes (the shard load report, 1 unit a batch, is not in them). */
    static final double[] WRITE_UNITS_PER_THOUSAND = {193.5, 39.6, 23.9};
    static final double[] READ_UNITS_PER_THOUSAND = {43.8, 7.4, 3.4};

    public ServerlessWork {
        if (cpuMillisPerThousandRecords < 0 || roundTripsPerBatch < 0 || roundTripMillis < 0 || lambdaMemoryMb < 128
                || flinkRecordsPerKpuSecond <= 0) {
            throw new IllegalArgumentException("invalid work figures: cpu " + cpuMillisPerThousandRecords + " ms, "
                    + roundTripsPerBatch + " round trips, " + roundTripMillis + " ms each, " + lambdaMemoryMb + " MB, "
                    + flinkRecordsPerKpuSecond + " records/s per KPU");
        }
    }

    /**
     * Memory that buys one vCPU: "at 1,769 MB, a function has the equivalent of one vCPU (one vCPU-second of credits
     * per second)" (AWS Lambda developer guide, "Configure Lambda function memory"). Below it the CPU share is
     * proportional to memory, so a CPU second takes longer than a second of billed duration.
     */
    static final double LAMBDA_MB_PER_VCPU = 1769;

    /** The share of a vCPU the operator function gets: CPU seconds divided by it are seconds of duration. */
    double vcpuShare() {
        return Math.min(1, lambdaMemoryMb / LAMBDA_MB_PER_VCPU);
    }

    /** The figures measured for issue 15 (see BENCHMARKS.md for the runs). */
    public static ServerlessWork measured() {
        return new ServerlessWork(MEASURED_CPU_MS_PER_THOUSAND, MEASURED_ROUND_TRIPS_PER_BATCH, 5.0, 1024, 1_350_000);
    }

    /**
     * Kinesis handler CPU per 1,000 records at batches of 1,000 (steady flow: a shard's second of records), the
     * process's CPU (JIT and GC included, as Lambda bills it), mean of the steady batches of
     * {@code KinesisHandlerCostBenchmark} on the deployed stream handler, in a JVM with Lambda's JIT and collector
     * (C1 only, serial GC; BENCHMARKS.md, "The handler as Lambda's JVM runs it": 26.0 and 27.0 in two runs on a quiet
     * machine, its handler threads alone 17.5 and 18.4). The figure before, 28.5, was taken with C2 and G1 on a busy
     * machine.
     */
    static final double MEASURED_CPU_MS_PER_THOUSAND = 26.5;
    /**
     * Sequential DynamoDB round trips per batch of 1,000, mean of the steady batches (median 6: a batch's partial
     * writes go out together since issue 15), the same runs (6.4 and 6.5).
     */
    static final double MEASURED_ROUND_TRIPS_PER_BATCH = 6.5;

    /** DynamoDB write units per 1,000 records at a mean batch of {@code batchSize}, interpolated on log(batch size). */
    double writeUnitsPerThousand(double batchSize) {
        return interpolate(WRITE_UNITS_PER_THOUSAND, batchSize);
    }

    double readUnitsPerThousand(double batchSize) {
        return interpolate(READ_UNITS_PER_THOUSAND, batchSize);
    }

    /** Log-linear between the measured batch sizes, flat beyond them. */
    private static double interpolate(double[] values, double batchSize) {
        double x = Math.log10(Math.max(UNIT_BATCH_SIZES[0], Math.min(UNIT_BATCH_SIZES[2], batchSize)));
        int i = x <= Math.log10(UNIT_BATCH_SIZES[1]) ? 0 : 1;
        double x0 = Math.log10(UNIT_BATCH_SIZES[i]);
        double x1 = Math.log10(UNIT_BATCH_SIZES[i + 1]);
        return values[i] + (values[i + 1] - values[i]) * (x - x0) / (x1 - x0);
    }
}
