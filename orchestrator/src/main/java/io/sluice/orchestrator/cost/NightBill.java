package io.sluice.orchestrator.cost;

import io.sluice.orchestrator.scaling.SimulationReport;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * The dollars of one simulated night for one fleet, line by line, from its minutes and the measured
 * {@link ServerlessWork}, at {@link Prices}.
 *
 * <pre>{@code
 * NightBill bill = NightBill.serverless(report.autoscaled(), profile.recordBytes(), 1, ServerlessWork.measured());
 * double dollars = bill.total();
 * NightBill flink = NightBill.managedFlink(report.autoscaled(), profile.recordBytes(), 1, ServerlessWork.measured());
 * }</pre>
 *
 * @param fleet the fleet's name ({@code autoscaled}, {@code static}, ..., or {@code managed-flink})
 * @param lines the bill's lines, in order
 */
public record NightBill(String fleet, List<Line> lines) {

    /**
     * Lambda invokes a shard's function at most once a batching window for up to this many records (the template's
     * {@code BatchSize}; its 6 MB payload cap, about 8,000 orders, is not modelled). A shard takes at most 1,000
     * records/s, so below a 10 s window only a minute of backlog fills a batch.
     */
    static final int BATCH_SIZE = 10_000;
    /** The template's {@code MaximumBatchingWindowInSeconds}: its {@code BatchingWindowSeconds} parameter's default. */
    public static final int TEMPLATE_BATCHING_WINDOW_SECONDS = 1;
    static final int SECONDS_PER_MINUTE = 60;

    /**
     * One line of a bill.
     *
     * @param item    what is billed, e.g. {@code Kinesis shard-hours}
     * @param units   how much of it
     * @param unit    its unit, e.g. {@code shard-hours}
     * @param dollars its price
     */
    public record Line(String item, double units, String unit, double dollars) {
    }

    public NightBill {
        lines = List.copyOf(lines);
    }

    /** The night's total in dollars. */
    public double total() {
        return lines.stream().mapToDouble(Line::dollars).sum();
    }

    /**
     * The serverless fleet: Kinesis, the operator Lambda, DynamoDB state, S3 results.
     *
     * @param windowsPerMinute result objects written a minute (1 for {@code gmv-by-category}'s 60 s windows)
     */
    public static NightBill serverless(SimulationReport.Fleet fleet, int recordBytes, double windowsPerMinute,
                                       ServerlessWork work) {
        return serverless(fleet, recordBytes, windowsPerMinute, work, TEMPLATE_BATCHING_WINDOW_SECONDS);
    }

    /**
     * The serverless fleet with the event source mapping's {@code MaximumBatchingWindowInSeconds} at
     * {@code batchingWindowSeconds}: fewer, fuller batches, each record waiting up to that long before it is applied.
     *
     * @param batchingWindowSeconds 1 to 60 (Lambda allows 0 to 300; a window past a minute is not modelled)
     */
    public static NightBill serverless(SimulationReport.Fleet fleet, int recordBytes, double windowsPerMinute,
                                       ServerlessWork work, int batchingWindowSeconds) {
        if (batchingWindowSeconds < 1 || batchingWindowSeconds > SECONDS_PER_MINUTE) {
            throw new IllegalArgumentException("batching window must be 1 to 60 s: " + batchingWindowSeconds);
        }
        double records = 0;
        double invocations = 0;
        for (SimulationReport.Minute m : fleet.minutes()) {
            double minuteRecords = m.offeredRecordsPerSecond() * SECONDS_PER_MINUTE;
            records += minuteRecords;
            invocations += invocations(minuteRecords, Math.max(1, m.shards()), batchingWindowSeconds);
        }
        double meanBatch = invocations == 0 ? 0 : records / invocations;
        double seconds = work.cpuMillis(invocations, records) / 1000 / work.vcpuShare()
                + invocations * work.roundTripsPerBatch() * work.roundTripMillis() / 1000;
        double gbSeconds = seconds * work.lambdaMemoryMb() / 1024.0;
        double writeUnits = records / 1000 * work.writeUnitsPerThousand(meanBatch)
                + invocations * ServerlessWork.WRITE_UNITS_PER_BATCH_BESIDE;
        double readUnits = records / 1000 * work.readUnitsPerThousand(meanBatch);
        double puts = fleet.minutes().size() * windowsPerMinute;
        return new NightBill(fleet.name(), List.of(
                kinesisShardHours(fleet),
                kinesisPutUnits(records, recordBytes),
                new Line("Lambda requests", invocations, "requests", invocations / 1e6 * Prices.LAMBDA_REQUESTS_MILLION),
                new Line("Lambda duration", gbSeconds, "GB-s", gbSeconds * Prices.LAMBDA_GB_SECOND),
                new Line("DynamoDB writes", writeUnits, "WRU", writeUnits / 1e6 * Prices.DYNAMODB_WRITE_UNITS_MILLION),
                new Line("DynamoDB reads", readUnits, "RRU", readUnits / 1e6 * Prices.DYNAMODB_READ_UNITS_MILLION),
                new Line("S3 result PUTs", puts, "requests", puts / 1000 * Prices.S3_PUT_THOUSAND)));
    }

    /**
     * A Managed Service for Apache Flink application sized for the peak of {@code fleet}'s traffic, running the whole
     * night, reading the same stream (whose shards it pays for too) and writing the same result objects.
     */
    public static NightBill managedFlink(SimulationReport.Fleet fleet, int recordBytes, double windowsPerMinute,
                                         ServerlessWork work) {
        double records = 0;
        double peak = 0;
        for (SimulationReport.Minute m : fleet.minutes()) {
            records += m.offeredRecordsPerSecond() * SECONDS_PER_MINUTE;
            peak = Math.max(peak, m.offeredRecordsPerSecond());
        }
        double hours = fleet.minutes().size() / 60.0;
        int kpus = (int) Math.max(1, Math.ceil(peak / work.flinkRecordsPerKpuSecond()));
        double kpuHours = (kpus + Prices.FLINK_ORCHESTRATION_KPUS) * hours;
        double storageGbMonths = kpus * Prices.FLINK_STORAGE_GB_PER_KPU * hours / Prices.HOURS_PER_MONTH;
        double puts = fleet.minutes().size() * windowsPerMinute;
        return new NightBill("managed-flink (" + kpus + " KPU + " + Prices.FLINK_ORCHESTRATION_KPUS + ", on the "
                + fleet.name() + " stream)", List.of(
                kinesisShardHours(fleet),
                kinesisPutUnits(records, recordBytes),
                new Line("Flink KPU-hours", kpuHours, "KPU-h", kpuHours * Prices.FLINK_KPU_HOUR),
                new Line("Flink running storage", storageGbMonths, "GB-month", storageGbMonths * Prices.FLINK_STORAGE_GB_MONTH),
                new Line("S3 result PUTs", puts, "requests", puts / 1000 * Prices.S3_PUT_THOUSAND)));
    }

    /**
     * Invocations of a minute of {@code records} spread over {@code shards}: one a batching window while records
     * come, more when a window's records pass a batch.
     */
    static double invocations(double records, int shards, int batchingWindowSeconds) {
        double perShard = records / shards;
        double windows = Math.ceil((double) SECONDS_PER_MINUTE / batchingWindowSeconds);
        return shards * Math.max(Math.ceil(perShard / BATCH_SIZE), Math.min(Math.ceil(perShard), windows));
    }

    private static Line kinesisShardHours(SimulationReport.Fleet fleet) {
        return new Line("Kinesis shard-hours", fleet.shardHours(), "shard-h", fleet.shardHours() * Prices.KINESIS_SHARD_HOUR);
    }

    private static Line kinesisPutUnits(double records, int recordBytes) {
        double units = records * Math.ceil((double) recordBytes / Prices.KINESIS_PUT_PAYLOAD_UNIT_BYTES);
        return new Line("Kinesis PUT payload units", units, "units", units / 1e6 * Prices.KINESIS_PUT_PAYLOAD_UNITS_MILLION);
    }

    /** Prints the bills side by side: one row per line item, one column per bill, totals last. */
    public static void print(List<NightBill> bills, PrintStream out) {
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "%-28s", "cost of the night (USD)"));
        bills.forEach(b -> header.append(String.format(Locale.ROOT, " | %16s", shortName(b.fleet()))));
        out.println(header);
        List<String> items = bills.stream().flatMap(b -> b.lines().stream().map(Line::item)).distinct().toList();
        for (String item : items) {
            StringBuilder row = new StringBuilder(String.format(Locale.ROOT, "%-28s", item));
            for (NightBill b : bills) {
                double dollars = b.lines().stream().filter(l -> l.item().equals(item)).mapToDouble(Line::dollars).sum();
                boolean present = b.lines().stream().anyMatch(l -> l.item().equals(item));
                row.append(present ? String.format(Locale.ROOT, " | %16.2f", dollars) : String.format(" | %16s", "-"));
            }
            out.println(row);
        }
        StringBuilder total = new StringBuilder(String.format(Locale.ROOT, "%-28s", "total"));
        bills.forEach(b -> total.append(String.format(Locale.ROOT, " | %16.2f", b.total())));
        out.println(total);
        for (NightBill b : bills) {
            out.printf(Locale.ROOT, "%s: %s%n", b.fleet(), String.join(", ", b.lines().stream()
                    .map(l -> String.format(Locale.ROOT, "%s %,.1f %s", l.item(), l.units(), l.unit())).toList()));
        }
        out.printf(Locale.ROOT, "prices: %s list prices (%s), see io.sluice.orchestrator.cost.Prices%n", Prices.REGION,
                Prices.AS_OF);
    }

    private static String shortName(String fleet) {
        return fleet.startsWith("managed-flink") ? "managed-flink" : fleet;
    }
}
