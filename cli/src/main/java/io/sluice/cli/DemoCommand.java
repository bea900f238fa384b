package io.sluice.cli;

import io.sluice.functions.driver.KinesisOperator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.functions.examples.Order;
import io.sluice.functions.examples.OrdersGenerator;
import io.sluice.functions.wiring.HandlerConfig;
import io.sluice.functions.wiring.LambdaWiring;
import io.sluice.infra.template.EventSources;
import io.sluice.infra.template.KinesisEventSource;
import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateOptions;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.esm.Chaos;
import io.sluice.localstack.esm.CheckpointStore;
import io.sluice.localstack.esm.EventSourceMappingConfig;
import io.sluice.localstack.esm.LocalEventSourceMapping;
import io.sluice.functions.archive.RawArchive;
import io.sluice.orchestrator.batch.JobReport;
import io.sluice.orchestrator.nightly.ConsistencyReport;
import io.sluice.orchestrator.nightly.NightlyJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * {@code sluice demo}: the whole product on local AWS in one command, told as the Double 11 story. It starts local AWS
 * (emulators, or LocalStack with Docker), provisions {@code template.yaml}, generates two days of orders shaped like the
 * first minutes of Double 11 (yesterday and today, same times of day), and streams both through Kinesis into the real
 * Kinesis handler behind the local event-source mapping, which archives every record by day in S3 before processing
 * it (live) while the shard scaler splits and merges its shards ({@link DemoResharding}; {@code --no-reshard} turns it
 * off). Then the nightly job recomputes yesterday from the archive with the orchestrator's coordinator and the real
 * batch function and checks it against the live rows of yesterday's windows, as the 01:00 schedule does in
 * production; the demo prints today's last minute and the day so far against yesterday, from the results table, and
 * the verdict. Exit code 0 only when the nightly check is consistent; {@code --serve} then keeps local AWS and the
 * dashboard running until interrupted.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Local AWS, two days of orders live, yesterday's nightly recomputation from the archive, the "
                + "comparison with yesterday and the consistency check, end to end.")
final class DemoCommand implements Callable<Integer> {

    private static final ObjectMapper DEAD_LETTER_JSON = new ObjectMapper();
    private static final String[] BAD_RECORDS = {"{not json", "{\"orderId\":\"o-x\",\"amount\":\"12\"}"};

    @Option(names = "--records", defaultValue = "4000", description = "Orders of today (yesterday: 4/5 as many). Default: ${DEFAULT-VALUE}.")
    int records;

    @Option(names = "--minutes", defaultValue = "10", description = "Event-time span of the orders. Default: ${DEFAULT-VALUE}.")
    int minutes;

    @Option(names = "--shards", defaultValue = "2", description = "Kinesis shards. Default: ${DEFAULT-VALUE}.")
    int shards;

    @Option(names = "--pipeline", defaultValue = "gmv-by-category", description = "Pipeline. Default: ${DEFAULT-VALUE}.")
    String pipeline;

    @Option(names = "--env", defaultValue = "auto", description = "auto, emulators or localstack. Default: ${DEFAULT-VALUE}.")
    String env;

    @Option(names = "--out", defaultValue = "demo-out", description = "Directory for live.csv, batch.csv (yesterday). Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--no-reshard", description = "Do not let the shard scaler split and merge shards during the live run.")
    boolean noReshard;

    @Option(names = "--seed", defaultValue = "11", description = "Order generator seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--chaos", description = "Chaos mode of the local event-source mapping (seeded by --seed): "
            + "redelivered batches, timed-out invocations, throttled reads, recycled handler instances.")
    boolean chaos;

    @Option(names = "--serve", description = "Leave local AWS and the dashboard running, print its URL, wait for Ctrl-C.")
    boolean serve;

    @Option(names = "--port", defaultValue = "0", description = "Dashboard port with --serve (0: any free port). Default: ${DEFAULT-VALUE}.")
    int port;

    @Override
    public Integer call() throws Exception {
        if (records < 1 || records > 200_000 || shards < 1 || shards > 16 || port < 0 || port > 65_535) {
            throw new SluiceCommand.UsageException("--records must be in [1, 200000], --shards in [1, 16], "
                    + "--port in [0, 65535]");
        }
        // Two days, same times of day: yesterday a little quieter. The stream carries yesterday, then today.
        Instant todayStart = OrdersGenerator.DOUBLE_11;
        Instant yesterdayStart = todayStart.minus(Duration.ofDays(1));
        List<Order> orders = new ArrayList<>();
        OrdersGenerator.builder().records(Math.max(1, records * 4L / 5)).seed(seed + 1).start(yesterdayStart)
                .duration(Duration.ofMinutes(minutes)).build().forEach(orders::add);
        int yesterdayCount = orders.size();
        OrdersGenerator.builder().records(records).seed(seed).start(todayStart).duration(Duration.ofMinutes(minutes))
                .build().forEach(orders::add);
        long started = System.nanoTime();
        step("starting local AWS (" + env + ")");
        try (LocalAws aws = ("auto".equals(env) ? LocalAws.auto() : LocalAws.of(env)).start();
             KinesisClient kinesis = aws.kinesis(); DynamoDbClient dynamo = aws.dynamoDb();
             S3Client s3 = aws.s3(); SqsClient sqs = aws.sqs()) {
            LambdaWiring.Clients clients = new LambdaWiring.Clients(dynamo, s3, sqs, kinesis);
            Deployment live = Deployment.provision(aws, sqs, "demo", pipeline, shards);

            step("live: putting " + yesterdayCount + " orders of yesterday and " + (orders.size() - yesterdayCount)
                    + " of today (+" + BAD_RECORDS.length + " malformed) on " + shards + " shards of " + live.stream());
            long putStart = System.nanoTime();
            int firstPart = noReshard ? orders.size() : yesterdayCount + (orders.size() - yesterdayCount) / 3;
            putOrders(kinesis, live.stream(), orders, 0, firstPart);
            step(String.format("live: put%s in %.1f s", noReshard ? "" : " yesterday and a third of today",
                    (System.nanoTime() - putStart) / 1e9));
            KinesisEventSource source = EventSources.kinesis(live.template()).get(0);
            EventSourceMappingConfig config = LocalEventSources.config(source.settings());
            PrintStream metrics = new PrintStream(OutputStream.nullOutputStream());
            LambdaWiring liveWiring = LambdaWiring.of(live.config(), clients);
            long liveStart = System.nanoTime();
            Chaos faults = chaos ? Chaos.seeded(seed) : Chaos.off();
            step("live: event-source mapping " + faults + "; every record archived to s3://" + live.dataBucket()
                    + "/archive/ before it is processed");
            try (LocalEventSourceMapping esm = LocalEventSourceMapping.builder(config)
                    .handlers(TemplateHandler.around(source.handlerClass(), () -> new Object[] {
                            liveWiring.kinesisOperator(Clock.systemUTC(), metrics), liveWiring.rawArchive().orElseThrow()}))
                    .checkpoints(CheckpointStore.inMemory()).chaos(faults).start(aws)) {
                if (!noReshard) {   // the shard scaler splits in the spike, merges in the calm; orders go on meanwhile
                    int third = (orders.size() - yesterdayCount) / 3;
                    DemoResharding scaler = DemoResharding.start(kinesis, dynamo, live.stream(),
                            live.config().coordinationTable(), shards, DemoCommand::step);
                    scaler.spike();
                    putOrders(kinesis, live.stream(), orders, firstPart, firstPart + third);
                    scaler.calm();
                    putOrders(kinesis, live.stream(), orders, firstPart + third, orders.size());
                }
                if (!esm.awaitDrained(Duration.ofMinutes(5))) {
                    throw new IllegalStateException("the live pipeline did not drain the stream in 5 minutes");
                }
                step(String.format("live: %s in %.1f s", esm.stats(), (System.nanoTime() - liveStart) / 1e9));
                if (!noReshard) {
                    step(DemoResharding.operatorSplits(liveWiring.stateStore(Clock.systemUTC()).splits(pipeline)));
                }
            }

            step(archiveSummary(s3, live.dataBucket(), orders.size() + BAD_RECORDS.length));
            LocalDate yesterday = yesterdayStart.atOffset(ZoneOffset.UTC).toLocalDate();
            step("nightly: recomputing " + yesterday + " from s3://" + live.dataBucket() + "/"
                    + RawArchive.dayPrefix(pipeline, yesterday) + " (the 01:00 schedule's job)");
            long batchStart = System.nanoTime();
            NightlyJob.Outcome nightly = DemoNightly.run(liveWiring, dynamo, s3, live.dataBucket(), yesterday);
            JobReport report = nightly.job();
            step(String.format("nightly: job %s (%s): %d tasks, %d lines, %d rejected, %d windows in %.1f s",
                    report.jobId(), report.jobPipeline(), report.tasks().size(), report.linesIn(), report.rejected(),
                    report.windowsFired(), (System.nanoTime() - batchStart) / 1e9));
            if (!nightly.finished()) {
                throw new IllegalStateException("the nightly job did not complete: " + report.toJson());
            }
            DemoNightly.printComparison(dynamo, live.config().resultsTable().orElseThrow(), pipeline,
                    Instant.ofEpochMilli(orders.get(orders.size() - 1).ts()));
            Map<Long, List<String>> liveRows = rows(s3, live.config().resultsBucket(), pipeline, yesterday);
            Map<Long, List<String>> batchRows = rows(s3, live.config().resultsBucket(), report.jobPipeline(), yesterday);
            int deadLetters = count(sqs, s3, live.config().deadLetterQueue());
            int code = check(nightly.report(), liveRows, batchRows, deadLetters, (System.nanoTime() - started) / 1e9);
            if (serve) {
                DemoServe.serve(live.config().resultsTable().orElseThrow(), aws, pipeline, port,
                        Instant.ofEpochMilli(orders.get(orders.size() - 1).ts()));
            }
            return code;
        }
    }

    private int check(ConsistencyReport report, Map<Long, List<String>> live, Map<Long, List<String>> batch,
                      int deadLetters, double seconds) throws IOException {
        Files.createDirectories(out);
        Files.write(out.resolve("live.csv"), flatten(live));
        Files.write(out.resolve("batch.csv"), flatten(batch));
        System.out.printf("%nnightly consistency check (%s, %s)%n", pipeline, report.day());
        System.out.printf("  windows compared (live vs nightly)   %d (%d rows)%n", report.windowsCompared(),
                report.rowsCompared());
        System.out.printf("  windows differing                    %d%n", report.windowsDiffering());
        System.out.printf("  dead letters in the queue            %d (%d expected)%n", deadLetters, BAD_RECORDS.length);
        System.out.printf("  report                               results table consistency#%s, "
                + "results/%s/consistency/%s.json%n", pipeline, pipeline, report.day());
        System.out.printf("  yesterday's rows                     %s, %s%n", out.resolve("live.csv"), out.resolve("batch.csv"));
        System.out.printf("  total time                           %.1f s%n", seconds);
        // Malformed records have no event time: the archive files them by arrival day, whose nightly job rejects them.
        boolean ok = report.consistent() && deadLetters == BAD_RECORDS.length;
        System.out.println(ok ? "CONSISTENT: every window the live pipeline showed yesterday equals the nightly recomputation"
                : "INCONSISTENT: " + report.windowsDiffering() + " windows differ " + report.firstDifferences()
                + ", or nothing was compared, or the dead-letter count is off");
        return ok ? 0 : 1;
    }

    /** Objects and bytes of the archive, and what they cost per million records at S3 Standard list prices. */
    private static String archiveSummary(S3Client s3, String bucket, int records) {
        long objects = 0;
        long bytes = 0;
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("archive/")).contents()) {
            objects++;
            bytes += o.size();
        }
        double perMillion = 1e6 / records;
        // PUT $0.005 per 1,000; storage $0.023 per GB-month (us-east-1).
        return String.format("archive: %,d objects, %,d bytes (gzip) for %,d records: per million records %,.0f PUTs "
                + "= $%.4f, %.1f MB = $%.4f per month stored", objects, bytes, records, objects * perMillion,
                objects * perMillion * 0.005 / 1000, bytes * perMillion / 1e6, bytes * perMillion / 1e9 * 0.023);
    }

    private static void step(String message) {
        System.err.println("demo: " + message);
    }

    /** Orders {@code [from, to)}, each malformed record after the order it follows; a progress line meanwhile. */
    private static void putOrders(KinesisClient kinesis, String stream, List<Order> orders, int from, int to) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Order o = orders.get(i);
            entries.add(entry(o.toJson(), o.orderId()));
            if (i == orders.size() / 3 || i == 2 * orders.size() / 3) {
                entries.add(entry(BAD_RECORDS[i == orders.size() / 3 ? 0 : 1], "bad-" + i));
            }
        }
        for (int start = 0; start < entries.size(); start += 500) {
            System.err.printf("\rdemo: live: put %,d / %,d orders ", from + Math.min(start, to - from), orders.size());
            List<PutRecordsRequestEntry> chunk = entries.subList(start, Math.min(entries.size(), start + 500));
            for (int attempt = 0; ; attempt++) {
                List<PutRecordsRequestEntry> sending = chunk;
                var response = kinesis.putRecords(b -> b.streamName(stream).records(sending));
                if (response.failedRecordCount() == 0) {
                    break;
                }
                if (attempt == 5) {
                    throw new IllegalStateException(response.failedRecordCount() + " records refused by " + stream);
                }
                List<PutRecordsRequestEntry> retry = new ArrayList<>();
                for (int i = 0; i < chunk.size(); i++) {
                    if (response.records().get(i).errorCode() != null) {
                        retry.add(chunk.get(i));
                    }
                }
                chunk = retry;
            }
        }
        System.err.printf("\rdemo: live: put %,d / %,d orders%n", to, orders.size());
    }

    private static PutRecordsRequestEntry entry(String data, String partitionKey) {
        return PutRecordsRequestEntry.builder().data(SdkBytes.fromUtf8String(data)).partitionKey(partitionKey).build();
    }

    /** Result rows of {@code day}'s windows by window start, from every result CSV object (headers dropped). */
    private static Map<Long, List<String>> rows(S3Client s3, String bucket, String resultsName, LocalDate day) {
        long from = day.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        long to = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        Map<Long, List<String>> rows = new TreeMap<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("results/" + resultsName + "/")).contents()) {
            String csv = s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asString(StandardCharsets.UTF_8);
            String[] lines = csv.split("\n");
            for (int i = 1; i < lines.length; i++) {
                long start = Long.parseLong(lines[i].substring(0, lines[i].indexOf(',')));
                if (start >= from && start < to) {
                    rows.computeIfAbsent(start, s -> new ArrayList<>()).add(lines[i]);
                }
            }
        }
        rows.values().forEach(java.util.Collections::sort);
        return rows;
    }

    private static List<String> flatten(Map<Long, List<String>> rows) {
        List<String> lines = new ArrayList<>();
        rows.values().forEach(lines::addAll);
        return lines;
    }

    /**
     * Distinct dead letters: a retried batch (a timeout in chaos mode, say) sends its rejects again, so the queue is
     * at least once; each message carries the record's deterministic {@code id} (pipeline, split, position), by which
     * a reader de-duplicates. Messages without one (Lambda's on-failure records) count each. A bulk message (a batch's
     * dead letters past the per-batch bound) stands for the lines of the object it points to, each with its own id.
     */
    static int count(SqsClient sqs, S3Client s3, String queueUrl) {
        Set<String> distinct = new HashSet<>();
        int empty = 0;
        while (empty < 3) {
            var messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10).visibilityTimeout(300)
                    .waitTimeSeconds(0)).messages();
            if (messages.isEmpty()) {
                empty++;
                continue;
            }
            for (var m : messages) {
                String id;
                try {
                    com.fasterxml.jackson.databind.JsonNode body = DEAD_LETTER_JSON.readTree(m.body());
                    if (body.path("bulk").asBoolean()) {
                        distinct.addAll(bulkIds(s3, body.path("recordsRef").asText()));
                        continue;
                    }
                    id = body.path("id").asText("");
                } catch (IOException notJson) {
                    id = "";
                }
                distinct.add(id.isEmpty() ? "message:" + m.messageId() : id);
            }
        }
        return distinct.size();
    }

    /** The ids of the dead letters in the bulk object at {@code ref} ({@code s3://bucket/key}, JSON lines). */
    private static List<String> bulkIds(S3Client s3, String ref) throws IOException {
        String path = ref.substring("s3://".length());
        String bucket = path.substring(0, path.indexOf('/'));
        String key = path.substring(path.indexOf('/') + 1);
        List<String> ids = new ArrayList<>();
        for (String line : s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asUtf8String().lines().toList()) {
            ids.add(DEAD_LETTER_JSON.readTree(line).path("id").asText());
        }
        return ids;
    }

    /** One provisioned copy of the template: its stream, buckets and the handlers' configuration. */
    private record Deployment(Template template, HandlerConfig config, String stream, String dataBucket) {

        static Deployment provision(LocalAws aws, SqsClient sqs, String stage, String pipeline, int shards) {
            Template template = Template.load(LocalCommand.home().resolve("template.yaml"), TemplateOptions.local()
                    .withParameter("Stage", stage).withParameter("ShardCount", Integer.toString(shards))
                    .withParameter("Pipeline", pipeline));
            LocalProvisioning.provision(template, aws);
            String dlq = sqs.getQueueUrl(b -> b.queueName(template.physicalName("DeadLetterQueue"))).queueUrl();
            HandlerConfig config = HandlerConfig.from(Map.of(
                    HandlerConfig.PIPELINE, pipeline,
                    HandlerConfig.STATE_TABLE, template.physicalName("StateTable"),
                    HandlerConfig.COORDINATION_TABLE, template.physicalName("CoordinationTable"),
                    HandlerConfig.RESULTS_TABLE, template.physicalName("ResultsTable"),
                    HandlerConfig.RESULTS_BUCKET, template.physicalName("ResultsBucket"),
                    HandlerConfig.ARCHIVE_BUCKET, template.physicalName("DataBucket"),
                    HandlerConfig.DEAD_LETTER_QUEUE_URL, dlq));
            return new Deployment(template, config, template.physicalName("OrdersStream"),
                    template.physicalName("DataBucket"));
        }
    }
}
