package io.sluice.orchestrator.cost;

/**
 * What Sluice measured the serverless path to cost per record and per batch (BENCHMARKS.md, issues 5 and 15), the
 * inputs of a {@link NightBill}. Immutable; {@link #measured()} is the current figure set.
 *
 * @param cpuMillisPerBatch           the Kinesis handler's CPU a batch costs whatever its records (its fixed DynamoDB
 *                                    calls: attempt, load report, watermark, progress, a partial per item it touches)
 * @param cpuMillisPerThousandRecords its CPU per 1,000 records on top ({@code KinesisHandlerCostBenchmark} at two batch
 *                                    sizes: a batch of n records costs {@code perBatch + n / 1000 x perThousand})
 * @param roundTripsPerBatch          sequential DynamoDB calls per batch (the same benchmark, mean of its batches)
 * @param roundTripMillis             one in-region DynamoDB round trip as Lambda waits for it
 * @param lambdaMemoryMb              the operator function's memory ({@code template.yaml})
 * @param flinkRecordsPerKpuSecond    what one Flink KPU (1 vCPU) takes at the peak: the peer's measured streaming p1
 *                                    rate on one core, a generous figure (no Kinesis source, no checkpoints)
 */
public record ServerlessWork(double cpuMillisPerBatch, double cpuMillisPerThousandRecords, double roundTripsPerBatch,
                             double roundTripMillis, int lambdaMemoryMb, double flinkRecordsPerKpuSecond) {

    /**
     * Batch sizes of the DynamoDB unit table (BENCHMARKS.md, "One key bucket"): {@code GmvDynamoDbStateBenchmark} with
     * the orders as dense as the night's (about 280 records a second per shard: 200,000 over 3 minutes, 2,000,000 over
     * 30 for batches of 10,000), so a batch spans the night's share of a window and an item holds the night's keys.
     */
    static final double[] UNIT_BATCH_SIZES = {100, 300, 1_000, 10_000};
    /**
     * Write units per 1,000 records at those batch sizes, {@code gmv-by-category} with its one key bucket (with 16:
     * 194.4, 70.1, 22.2, 3.0): the local runner's calls, which write neither the shard load report nor the attempt
     * log ({@link #WRITE_UNITS_PER_BATCH_BESIDE}).
     */
    static final double[] WRITE_UNITS_PER_THOUSAND = {85.8, 29.1, 9.2, 1.4};
    /**
     * Write units every Lambda batch adds to the table above: the shard load report ({@code UpdateItem}) and the attempt
     * log's entry ({@code PutItem}), one item under 1 KB each. The bill counted the load report alone until
     * 2026-12-07 ({@code KinesisHandlerCostBenchmark}'s calls by operation show both: 3 updates and 2 puts a batch).
     */
    static final double WRITE_UNITS_PER_BATCH_BESIDE = 2;
    static final double[] READ_UNITS_PER_THOUSAND = {40.3, 13.6, 4.3, 0.6};

    public ServerlessWork {
        if (cpuMillisPerBatch < 0 || cpuMillisPerThousandRecords < 0 || roundTripsPerBatch < 0 || roundTripMillis < 0
                || lambdaMemoryMb < 128 || flinkRecordsPerKpuSecond <= 0) {
            throw new IllegalArgumentException("invalid work figures: cpu " + cpuMillisPerBatch + " ms a batch + "
                    + cpuMillisPerThousandRecords + " ms per 1,000 records, "
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

    /** The handler's CPU milliseconds for {@code batches} batches holding {@code records} records in all. */
    double cpuMillis(double batches, double records) {
        return batches * cpuMillisPerBatch + records / 1000 * cpuMillisPerThousandRecords;
    }

    /** The share of a vCPU the operator function gets: CPU seconds divided by it are seconds of duration. */
    double vcpuShare() {
        return Math.min(1, lambdaMemoryMb / LAMBDA_MB_PER_VCPU);
    }

    /** The figures measured for issue 15 (see BENCHMARKS.md for the runs). */
    public static ServerlessWork measured() {
        return new ServerlessWork(MEASURED_CPU_MS_PER_BATCH, MEASURED_CPU_MS_PER_THOUSAND,
                MEASURED_ROUND_TRIPS_PER_BATCH, 5.0, 1024, 1_350_000);
    }

    /**
     * The Kinesis handler's process CPU (JIT and GC included, as Lambda bills it), mean of the steady batches of
     * {@code KinesisHandlerCostBenchmark} on the deployed stream handler in a JVM with Lambda's JIT and collector (C1
     * only, serial GC), 200,000 orders (BENCHMARKS.md, "One key bucket" and "A batch reads the splits only when a
     * window may be due"): 12.6, 11.2, 11.1 and 11.2 ms per 1,000 records at batches of 1,000 (11.5 ms a batch), 24.9,
     * 26.3 and 22.8 at batches of 299 (7.4 ms a batch). The line through both: 5.6 ms a batch and 5.9 per 1,000
     * records (before a batch skipped the splits' read: 8.3 and 3.6; with 16 key buckets too: 14.7 and 6.1, the session
     * before measured 18.5 and 8.0). Most of a small batch's work is its DynamoDB calls.
     */
    static final double MEASURED_CPU_MS_PER_BATCH = 5.6;
    static final double MEASURED_CPU_MS_PER_THOUSAND = 5.9;
    /**
     * Sequential DynamoDB round trips per batch of 1,000, mean of the steady batches (median 5: a batch's partial
     * writes go out together, and the splits are read only when a window may be due), the same runs (5.6; 5.2 at
     * batches of 299).
     */
    static final double MEASURED_ROUND_TRIPS_PER_BATCH = 5.6;

    /** DynamoDB write units per 1,000 records at a mean batch of {@code batchSize}, interpolated on log(batch size). */
    double writeUnitsPerThousand(double batchSize) {
        return interpolate(WRITE_UNITS_PER_THOUSAND, batchSize);
    }

    double readUnitsPerThousand(double batchSize) {
        return interpolate(READ_UNITS_PER_THOUSAND, batchSize);
    }

    /** Log-linear between the measured batch sizes, flat beyond them. */
    private static double interpolate(double[] values, double batchSize) {
        int last = UNIT_BATCH_SIZES.length - 1;
        double x = Math.log10(Math.max(UNIT_BATCH_SIZES[0], Math.min(UNIT_BATCH_SIZES[last], batchSize)));
        int i = 0;
        while (i < last - 1 && x > Math.log10(UNIT_BATCH_SIZES[i + 1])) {
            i++;
        }
        double x0 = Math.log10(UNIT_BATCH_SIZES[i]);
        double x1 = Math.log10(UNIT_BATCH_SIZES[i + 1]);
        return values[i] + (values[i + 1] - values[i]) * (x - x0) / (x1 - x0);
    }
}
