package io.sluice.it;

import io.sluice.cli.LocalEventSources;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.sluice.cli.LocalProvisioning;
import io.sluice.infra.template.EventSources;
import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateOptions;
import io.sluice.localstack.esm.CheckpointStore;
import io.sluice.localstack.esm.EsmStats;
import io.sluice.localstack.esm.EventSourceMappingConfig;
import io.sluice.localstack.esm.LocalEventSourceMapping;
import io.sluice.localstack.emulator.EmulatorAws;
import io.sluice.localstack.emulator.KinesisEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;

/**
 * Emulator start-up times and end-to-end throughput (PutRecords → local ESM → handler) on kinesis-mock.
 * Excluded from the default build; run with
 * {@code mvn -o -pl localstack,infra -am verify -Dsluice.it.excludedGroups= -Dit.test=EndToEndThroughputBenchmarkIT
 * -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
 * [-Dsluice.bench.records=100000] [-Dsluice.bench.shards=10] [-Dsluice.kinesis.engine=kinesalite]}.
 * Results go to standard output and {@code integration-tests/target/benchmark-local-aws-<engine>.txt}.
 */
@Tag("benchmark")
class EndToEndThroughputBenchmarkIT {

    @Test
    void endToEnd_measuresStartupAndThroughput() throws Exception {
        int records = Integer.getInteger("sluice.bench.records", 100_000);
        // kinesis-mock's put cost grows with the records already in a shard, so spread 100k over 10 shards.
        int shards = Integer.getInteger("sluice.bench.shards", 10);
        KinesisEngine engine = KinesisEngine.fromEnvironment(); // -Dsluice.kinesis.engine=kinesalite
        StringBuilder report = new StringBuilder();

        for (int i = 1; i <= 3; i++) {
            try (EmulatorAws aws = EmulatorAws.create(engine).start()) {
                report.append(String.format(Locale.ROOT, "start-up %d: %s%n", i, millis(aws)));
            }
        }

        report.append(String.format(Locale.ROOT, "engine=%s records=%d shards=%d (template settings: batch 1000, window 1 s)%n", engine.id(), records, shards));
        // Phase A+B: put everything with no consumer, then drain the backlog: the two costs separately.
        try (EmulatorAws aws = EmulatorAws.create(engine).start(); KinesisClient kinesis = aws.kinesis()) {
            Template template = provision(aws, "bench-ab", shards);
            long t0 = System.nanoTime();
            long throttled = putAll(kinesis, template.physicalName("OrdersStream"), records);
            long putNanos = System.nanoTime() - t0;
            report.append(String.format(Locale.ROOT, "A. put only (PutRecords x500, 1 producer thread): %.1f s = %.0f records/s, %d record puts throttled and retried%n",
                    putNanos / 1e9, records / (putNanos / 1e9), throttled));
            CountingHandler handler = new CountingHandler();
            long t1 = System.nanoTime();
            try (LocalEventSourceMapping esm = LocalEventSourceMapping.start(config(template), handler, aws, CheckpointStore.inMemory())) {
                assertThat(esm.awaitDrained(Duration.ofMinutes(10))).isTrue();
                long drainNanos = System.nanoTime() - t1;
                report.append(String.format(Locale.ROOT, "B. drain backlog (ESM -> handler): %.1f s = %.0f records/s; %s%n",
                        drainNanos / 1e9, records / (drainNanos / 1e9), describe(esm.stats(), handler)));
                assertThat(handler.records.get()).isEqualTo(records);
            }
            report.append(engine.id() + " RSS after A+B: ").append(rss(aws.pids().get(engine.id()))).append('\n');
        }
        // Phase C: the real thing, producer and ESM at once on fresh emulators.
        try (EmulatorAws aws = EmulatorAws.create(engine).start(); KinesisClient kinesis = aws.kinesis()) {
            Template template = provision(aws, "bench-c", shards);
            CountingHandler handler = new CountingHandler();
            long t0 = System.nanoTime();
            try (LocalEventSourceMapping esm = LocalEventSourceMapping.start(config(template), handler, aws, CheckpointStore.inMemory())) {
                putAll(kinesis, template.physicalName("OrdersStream"), records);
                long putNanos = System.nanoTime() - t0;
                assertThat(esm.awaitDrained(Duration.ofMinutes(10))).isTrue();
                long e2eNanos = System.nanoTime() - t0;
                report.append(String.format(Locale.ROOT,
                        "C. end to end, concurrent (first put -> last record handled): %.1f s = %.0f records/s "
                                + "(puts alone finished after %.1f s = %.0f records/s); %s%n",
                        e2eNanos / 1e9, records / (e2eNanos / 1e9), putNanos / 1e9, records / (putNanos / 1e9),
                        describe(esm.stats(), handler)));
                assertThat(handler.records.get()).isEqualTo(records);
            }
            report.append(engine.id() + " RSS after C: ").append(rss(aws.pids().get(engine.id()))).append('\n');
        }
        System.out.println("=== local AWS benchmark ===\n" + report);
        Files.writeString(Path.of("target", "benchmark-local-aws-" + engine.id() + ".txt"), report.toString());
    }

    private static Template provision(EmulatorAws aws, String stage, int shards) {
        Template template = Template.load(Template.locate(), TemplateOptions.local()
                .withParameter("Stage", stage).withParameter("ShardCount", Integer.toString(shards)));
        LocalProvisioning.provision(template, aws);
        return template;
    }

    private static EventSourceMappingConfig config(Template template) {
        // The template's mapping with the runtime's default local timings (200 ms between reads of an idle shard).
        return LocalEventSources.config(EventSources.kinesis(template).get(0).settings());
    }

    private static String describe(EsmStats s, CountingHandler handler) {
        return String.format(Locale.ROOT, "%d invocations (mean batch %.0f), %d GetRecords calls taking %.1f s "
                        + "(summed over shards, %.0f ms each), handler %.3f s",
                s.invocations(), (double) handler.records.get() / Math.max(1, s.invocations()), s.getRecordsCalls(),
                s.readMillis() / 1e3, (double) s.readMillis() / Math.max(1, s.getRecordsCalls()), s.handlerMillis() / 1e3);
    }

    /** @return how many record puts were throttled and retried */
    private static long putAll(KinesisClient kinesis, String stream, int records) {
        long throttled = 0;
        long t0 = System.nanoTime();
        for (int start = 0; start < records; start += 500) {
            if (start > 0 && start % 10_000 == 0) {
                double secs = (System.nanoTime() - t0) / 1e9;
                System.err.printf(Locale.ROOT, "put %d records in %.1f s (%.0f/s), %d throttled%n", start, secs, start / secs, throttled);
            }
            List<PutRecordsRequestEntry> entries = new ArrayList<>(500);
            for (int i = start; i < Math.min(start + 500, records); i++) {
                String json = String.format(Locale.ROOT,
                        "{\"orderId\":\"o-%d\",\"userId\":\"u-%d\",\"category\":\"c-%d\",\"amount\":%d,\"ts\":%d}",
                        i, i % 10_000, i % 50, 100 + i % 9_900, 1_605_052_800_000L + i);
                entries.add(PutRecordsRequestEntry.builder().partitionKey("u-" + (i % 10_000))
                        .data(SdkBytes.fromString(json, StandardCharsets.UTF_8)).build());
            }
            List<PutRecordsRequestEntry> pending = entries;
            while (!pending.isEmpty()) {
                List<PutRecordsRequestEntry> batch = pending;
                var resp = kinesis.putRecords(b -> b.streamName(stream).records(batch));
                List<PutRecordsRequestEntry> failed = new ArrayList<>();
                for (int i = 0; i < resp.records().size(); i++) {
                    if (resp.records().get(i).errorCode() != null) {
                        failed.add(batch.get(i));
                    }
                }
                pending = failed;
                if (!failed.isEmpty()) {
                    throttled += failed.size();
                    sleep(100); // Kinesis limits a shard to 1,000 records/s: back off instead of hammering
                }
            }
        }
        return throttled;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String millis(EmulatorAws aws) {
        StringBuilder sb = new StringBuilder();
        aws.startupTimes().forEach((k, v) -> sb.append(k).append('=').append(v.toMillis()).append(" ms  "));
        return sb.toString().trim();
    }

    private static String rss(Long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS")) {
                    return line.substring(6).trim();
                }
            }
        } catch (Exception e) {
            return "n/a";
        }
        return "n/a";
    }

    /** Decodes each record as a real operator would at minimum (bytes → string) and counts. */
    static final class CountingHandler implements RequestHandler<KinesisEvent, StreamsEventResponse> {
        final AtomicLong records = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();

        @Override
        public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
            for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
                bytes.addAndGet(StandardCharsets.UTF_8.decode(r.getKinesis().getData().duplicate()).length());
            }
            records.addAndGet(event.getRecords().size());
            return new StreamsEventResponse();
        }
    }
}
