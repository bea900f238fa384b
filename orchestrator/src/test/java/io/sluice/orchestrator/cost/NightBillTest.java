package io.sluice.orchestrator.cost;

import io.sluice.orchestrator.scaling.SimulationReport;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The bill's arithmetic on a two-minute fleet, worked by hand. */
class NightBillTest {

    /** Minute 1: 2,000 records/s on 2 shards; minute 2: 10 records/s on 2 shards. 1 shard-hour in all. */
    private static final SimulationReport.Fleet FLEET = new SimulationReport.Fleet("autoscaled", List.of(
            new SimulationReport.Minute(Instant.EPOCH, 2_000, 2, 0, 0, 0, 0.5),
            new SimulationReport.Minute(Instant.EPOCH.plusSeconds(60), 10, 2, 0, 0, 0, 0.5)), List.of());
    /** CPU 10 ms a batch + 50 per 1,000 records, 20 round trips of 5 ms a batch, 2 GB, 1,000,000 records/s per KPU. */
    private static final ServerlessWork WORK = new ServerlessWork(10, 50, 20, 5, 2048, 1_000_000);

    @Test
    void invocations_areAPollASecondPerShard_upToABatchOfTenThousandEach() {
        assertThat(NightBill.invocations(120_000, 2, 1)).isEqualTo(120);    // 60,000 a shard: one a second, 1,000 each
        assertThat(NightBill.invocations(600, 2, 1)).isEqualTo(120);        // 300 a shard: one poll a second
        assertThat(NightBill.invocations(20, 2, 1)).isEqualTo(20);          // 10 a shard: one record per poll
        assertThat(NightBill.invocations(3_000_000, 1, 1)).isEqualTo(300);  // a backlog, 50,000 a second: full batches
    }

    @Test
    void invocations_areOneABatchingWindow_untilAWindowsRecordsPassABatch() {
        assertThat(NightBill.invocations(120_000, 2, 5)).isEqualTo(24);     // 12 windows a shard, 5,000 records each
        assertThat(NightBill.invocations(600, 2, 5)).isEqualTo(24);         // 300 a shard: still one a window
        assertThat(NightBill.invocations(20, 2, 5)).isEqualTo(20);          // 10 a shard: fewer records than windows
        assertThat(NightBill.invocations(120_000, 1, 10)).isEqualTo(12);    // 20,000 a window: two full batches each
        assertThat(NightBill.invocations(120_000, 2, 7)).isEqualTo(18);     // 9 windows a minute (the last one short)
    }

    @Test
    void aLongerBatchingWindow_billsFewerFullerBatches_andOnlyLambdaAndDynamoDbChange() {
        NightBill one = NightBill.serverless(FLEET, 100, 1, WORK);
        NightBill five = NightBill.serverless(FLEET, 100, 1, WORK, 5);

        // 120,600 records in 24 + 24 = 48 invocations (mean batch 2,512.5) instead of 240
        assertThat(units(five, "Lambda requests")).isEqualTo(48);
        // CPU 48 x 10 ms + 120.6 x 50 ms = 6.51 s; waits 48 x 20 x 5 ms = 4.8 s; 11.31 s x 2 GB
        assertThat(units(five, "Lambda duration")).isCloseTo(22.62, within(1e-9));
        double t = (Math.log10(2512.5) - 3) / 1;
        assertThat(units(five, "DynamoDB writes")).isCloseTo(120.6 * (9.2 + (1.4 - 9.2) * t) + 2 * 48,
                within(1e-9));
        for (String same : new String[] {"Kinesis shard-hours", "Kinesis PUT payload units", "S3 result PUTs"}) {
            assertThat(dollars(five, same)).isEqualTo(dollars(one, same));
        }
        assertThat(five.total()).isLessThan(one.total());
        assertThatThrownBy(() -> NightBill.serverless(FLEET, 100, 1, WORK, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 to 60 s");
    }

    @Test
    void serverless_billsEachLineAtItsListPrice() {
        NightBill bill = NightBill.serverless(FLEET, 100, 1, WORK);

        // records 120,000 + 600 = 120,600; invocations 120 + 120 = 240; mean batch 502.5
        assertThat(dollars(bill, "Kinesis shard-hours")).isCloseTo(1.0 * 0.015, within(1e-12));
        assertThat(dollars(bill, "Kinesis PUT payload units")).isCloseTo(120_600 / 1e6 * 0.014, within(1e-12));
        assertThat(dollars(bill, "Lambda requests")).isCloseTo(240 / 1e6 * 0.20, within(1e-12));
        // CPU 240 x 10 ms + 120.6 x 50 ms = 2.4 + 6.03 = 8.43 s; waits 240 x 20 x 5 ms = 24 s; 32.43 s x 2 GB
        assertThat(units(bill, "Lambda duration")).isCloseTo(64.86, within(1e-9));
        assertThat(dollars(bill, "Lambda duration")).isCloseTo(64.86 * 0.0000166667, within(1e-12));
        // write units at a mean batch of 502.5: log-linear between 29.1 (300) and 9.2 (1,000), + 2 per batch (the
        // load report and the attempt log's entry)
        double t = (Math.log10(502.5) - Math.log10(300)) / (3 - Math.log10(300));
        double wruPerK = 29.1 + (9.2 - 29.1) * t;
        assertThat(units(bill, "DynamoDB writes")).isCloseTo(120.6 * wruPerK + 2 * 240, within(1e-9));
        assertThat(dollars(bill, "DynamoDB writes")).isCloseTo((120.6 * wruPerK + 2 * 240) / 1e6 * 0.625,
                within(1e-12));
        double rruPerK = 13.6 + (4.3 - 13.6) * t;
        assertThat(dollars(bill, "DynamoDB reads")).isCloseTo(120.6 * rruPerK / 1e6 * 0.125, within(1e-12));
        assertThat(dollars(bill, "S3 result PUTs")).isCloseTo(2 / 1000.0 * 0.005, within(1e-12));
        assertThat(bill.total()).isCloseTo(bill.lines().stream().mapToDouble(NightBill.Line::dollars).sum(),
                within(1e-12));
    }

    @Test
    void lambdaDuration_stretchesTheCpuByTheVcpuShare_belowTheMemoryOfOneVcpu() {
        // 1,024 MB is 1,024 / 1,769 of a vCPU: 8.43 CPU seconds take 8.43 x 1,769 / 1,024 s; the waits do not stretch
        NightBill bill = NightBill.serverless(FLEET, 100, 1, new ServerlessWork(10, 50, 20, 5, 1024, 1_000_000));
        assertThat(units(bill, "Lambda duration")).isCloseTo((8.43 * 1769 / 1024 + 24) * 1.0, within(1e-9));
        // at 1,769 MB and above a CPU second is a second (the handler works on one thread at a time, mostly)
        bill = NightBill.serverless(FLEET, 100, 1, new ServerlessWork(10, 50, 20, 5, 1769, 1_000_000));
        assertThat(units(bill, "Lambda duration")).isCloseTo(32.43 * 1769 / 1024, within(1e-9));
    }

    @Test
    void managedFlink_isSizedForThePeak_plusItsOrchestrationKpu_forTheWholeNight() {
        NightBill bill = NightBill.managedFlink(FLEET, 100, 1, WORK);

        // peak 2,000 records/s: 1 KPU + 1 for orchestration, 2 minutes = 1/30 h
        assertThat(bill.fleet()).startsWith("managed-flink (1 KPU + 1");
        assertThat(units(bill, "Flink KPU-hours")).isCloseTo(2.0 / 30, within(1e-12));
        assertThat(dollars(bill, "Flink KPU-hours")).isCloseTo(2.0 / 30 * 0.11, within(1e-12));
        assertThat(dollars(bill, "Flink running storage")).isCloseTo(50 * (1.0 / 30) / 730 * 0.10, within(1e-12));
        assertThat(dollars(bill, "Kinesis shard-hours")).isCloseTo(0.015, within(1e-12));
    }

    @Test
    void recordsOverAPayloadUnit_costOneUnitPerStarted25Kb() {
        NightBill bill = NightBill.serverless(FLEET, 30 * 1024, 1, WORK);
        assertThat(units(bill, "Kinesis PUT payload units")).isEqualTo(2 * 120_600);
    }

    private static double dollars(NightBill bill, String item) {
        return line(bill, item).dollars();
    }

    private static double units(NightBill bill, String item) {
        return line(bill, item).units();
    }

    private static NightBill.Line line(NightBill bill, String item) {
        return bill.lines().stream().filter(l -> l.item().equals(item)).findFirst().orElseThrow();
    }
}
