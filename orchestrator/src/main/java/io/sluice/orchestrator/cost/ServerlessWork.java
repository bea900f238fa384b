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

    /** The figures measured for issue 15 (see BENCHMARKS.md for the runs). */
    public static ServerlessWork measured() {
        return new ServerlessWork(MEASURED_CPU_MS_PER_THOUSAND, MEASURED_ROUND_TRIPS_PER_BATCH, 5.0, 1024, 1_350_000);
    }

    /**
     * Kinesis handler CPU per 1,000 records at batches of 1,000 (steady flow: a shard's second of records), the
     * process's CPU (JIT and GC included, as Lambda bills it), mean of the steady batches of
     * {@code KinesisHandlerCostBenchmark} on the deployed stream handler (BENCHMARKS.md, "Larger batches and the
     * event's JSON read by us": 28.5 and 28.4 in two runs; its handler threads alone 15.2 and 15.8).
     */
    static final double MEASURED_CPU_MS_PER_THOUSAND = 28.5;
    /**
     * Sequential DynamoDB round trips per batch of 1,000, mean of the steady batches (median 6: a batch's partial
     * writes go out together since issue 15), the same runs.
     */
    static final double MEASURED_ROUND_TRIPS_PER_BATCH = 7.0;

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
