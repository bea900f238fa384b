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
import io.sluice.orchestrator.batch.BatchCoordinator;
import io.sluice.orchestrator.batch.DynamoDbJobStore;
import io.sluice.orchestrator.batch.JobInput;
import io.sluice.orchestrator.batch.JobReport;
import io.sluice.orchestrator.batch.JobSpec;
import io.sluice.orchestrator.batch.LocalTaskInvoker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.zip.GZIPOutputStream;

/**
 * {@code sluice demo}: the whole product on local AWS in one command. It starts local AWS (emulators, or LocalStack
 * with Docker), provisions {@code template.yaml}, streams generated orders through Kinesis into the real Kinesis
 * handler behind the local event-source mapping (live) while the shard scaler splits and merges its shards
 * ({@link DemoResharding}; {@code --no-reshard} turns it off), writes the same orders as S3 objects and recomputes them
 * as a batch job of the orchestrator's coordinator running the real S3 batch handler, next to the live pipeline in
 * the same tables (a job runs as its own pipeline), and checks that every window the live pipeline finalised equals
 * the batch result row for row. Exit code 0 when they agree, 1 otherwise.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Local AWS, live pipeline, batch recomputation and consistency check, end to end.")
final class DemoCommand implements Callable<Integer> {

    private static final ObjectMapper DEAD_LETTER_JSON = new ObjectMapper();
    private static final String[] BAD_RECORDS = {"{not json", "{\"orderId\":\"o-x\",\"amount\":\"12\"}"};

    @Option(names = "--records", defaultValue = "10000", description = "Orders to stream and recompute. Default: ${DEFAULT-VALUE}.")
    int records;

    @Option(names = "--minutes", defaultValue = "10", description = "Event-time span of the orders. Default: ${DEFAULT-VALUE}.")
    int minutes;

    @Option(names = "--shards", defaultValue = "2", description = "Kinesis shards. Default: ${DEFAULT-VALUE}.")
    int shards;

    @Option(names = "--objects", defaultValue = "6", description = "S3 objects for the batch run. Default: ${DEFAULT-VALUE}.")
    int objects;

    @Option(names = "--pipeline", defaultValue = "gmv-by-category", description = "Pipeline. Default: ${DEFAULT-VALUE}.")
    String pipeline;

    @Option(names = "--env", defaultValue = "auto", description = "auto, emulators or localstack. Default: ${DEFAULT-VALUE}.")
    String env;

    @Option(names = "--out", defaultValue = "demo-out", description = "Directory for live.csv, batch.csv. Default: ${DEFAULT-VALUE}.")
    Path out;

    @Option(names = "--no-reshard", description = "Do not let the shard scaler split and merge shards during the live run.")
    boolean noReshard;

    @Option(names = "--seed", defaultValue = "11", description = "Order generator seed. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--chaos", description = "Chaos mode of the local event-source mapping (seeded by --seed): "
            + "redelivered batches, timed-out invocations, throttled reads, recycled handler instances.")
    boolean chaos;

    @Override
    public Integer call() throws Exception {
        if (records < 1 || records > 200_000 || shards < 1 || shards > 16 || objects < 1 || objects > 100) {
            throw new SluiceCommand.UsageException("--records must be in [1, 200000], --shards in [1, 16], "
                    + "--objects in [1, 100]");
        }
        List<Order> orders = new ArrayList<>();
        OrdersGenerator.builder().records(records).seed(seed).duration(Duration.ofMinutes(minutes)).build()
                .forEach(orders::add);
        long started = System.nanoTime();
        step("starting local AWS (" + env + ")");
        try (LocalAws aws = ("auto".equals(env) ? LocalAws.auto() : LocalAws.of(env)).start();
             KinesisClient kinesis = aws.kinesis(); DynamoDbClient dynamo = aws.dynamoDb();
             S3Client s3 = aws.s3(); SqsClient sqs = aws.sqs()) {
            LambdaWiring.Clients clients = new LambdaWiring.Clients(dynamo, s3, sqs, kinesis);
            Deployment live = Deployment.provision(aws, sqs, "demo", pipeline, shards);

            step("live: putting " + orders.size() + " orders (+" + BAD_RECORDS.length + " malformed) on "
                    + shards + " shards of " + live.stream());
            long putStart = System.nanoTime();
            int firstPart = noReshard ? orders.size() : orders.size() / 3;
            putOrders(kinesis, live.stream(), orders, 0, firstPart);
            step(String.format("live: put%s in %.1f s", noReshard ? "" : " the first third", (System.nanoTime() - putStart) / 1e9));
            KinesisEventSource source = EventSources.kinesis(live.template()).get(0);
            EventSourceMappingConfig config = LocalEventSources.config(source.settings());
            PrintStream metrics = new PrintStream(OutputStream.nullOutputStream());
            LambdaWiring liveWiring = LambdaWiring.of(live.config(), clients);
            long liveStart = System.nanoTime();
            Chaos faults = chaos ? Chaos.seeded(seed) : Chaos.off();
            step("live: event-source mapping " + faults);
            try (LocalEventSourceMapping esm = LocalEventSourceMapping.builder(config)
                    .handlers(TemplateHandler.around(source.handlerClass(), KinesisOperator.class,
                            () -> liveWiring.kinesisOperator(Clock.systemUTC(), metrics)))
                    .checkpoints(CheckpointStore.inMemory()).chaos(faults).start(aws)) {
                if (!noReshard) {   // the shard scaler splits in the spike, merges in the calm; orders go on meanwhile
                    DemoResharding scaler = DemoResharding.start(kinesis, dynamo, live.stream(),
                            live.config().coordinationTable(), shards, DemoCommand::step);
                    scaler.spike();
                    putOrders(kinesis, live.stream(), orders, firstPart, 2 * orders.size() / 3);
                    scaler.calm();
                    putOrders(kinesis, live.stream(), orders, 2 * orders.size() / 3, orders.size());
                }
                if (!esm.awaitDrained(Duration.ofMinutes(5))) {
                    throw new IllegalStateException("the live pipeline did not drain the stream in 5 minutes");
                }
                step(String.format("live: %s in %.1f s", esm.stats(), (System.nanoTime() - liveStart) / 1e9));
                if (!noReshard) {
                    step(DemoResharding.operatorSplits(liveWiring.stateStore(Clock.systemUTC()).splits(pipeline)));
                }
            }

            step("batch: writing the same orders as " + objects + " S3 objects to " + live.dataBucket());
            List<String> keys = putObjects(s3, live.dataBucket(), orders);
            long batchStart = System.nanoTime();
            JobReport report = runBatchJob(liveWiring, dynamo, s3, live);
            step(String.format("batch: job %s (%s): %d tasks, %d lines, %d rejected, %d windows in %.1f s",
                    report.jobId(), report.jobPipeline(), report.tasks().size(), report.linesIn(), report.rejected(),
                    report.windowsFired(), (System.nanoTime() - batchStart) / 1e9));
            if (!report.completed() || report.tasks().size() != keys.size()) {
                throw new IllegalStateException("the batch job did not complete: " + report.toJson());
            }
            Map<Long, List<String>> liveRows = rows(s3, live.config().resultsBucket(), pipeline);
            Map<Long, List<String>> batchRows = rows(s3, live.config().resultsBucket(), report.jobPipeline());
            int deadLetters = count(sqs, live.config().deadLetterQueue());
            return check(liveRows, batchRows, deadLetters, (System.nanoTime() - started) / 1e9);
        }
    }

    private int check(Map<Long, List<String>> live, Map<Long, List<String>> batch, int deadLetters, double seconds)
            throws IOException {
        Files.createDirectories(out);
        Files.write(out.resolve("live.csv"), flatten(live));
        Files.write(out.resolve("batch.csv"), flatten(batch));
        int compared = 0;
        List<Long> mismatched = new ArrayList<>();
        for (Map.Entry<Long, List<String>> window : live.entrySet()) {
            compared += window.getValue().size();
            if (!window.getValue().equals(batch.get(window.getKey()))) {
                mismatched.add(window.getKey());
            }
        }
        long open = batch.keySet().stream().filter(w -> !live.containsKey(w)).count();
        System.out.printf("%nconsistency check (%s)%n", pipeline);
        System.out.printf("  windows final in the live pipeline   %d (%d rows)%n", live.size(), compared);
        System.out.printf("  windows in the batch recomputation   %d%n", batch.size());
        System.out.printf("  windows still open live (watermark)  %d%n", open);
        System.out.printf("  live windows differing from batch    %d%n", mismatched.size());
        System.out.printf("  malformed records in the DLQ         %d (%d live + %d batch expected)%n", deadLetters,
                BAD_RECORDS.length, BAD_RECORDS.length);
        System.out.printf("  results                              %s, %s%n", out.resolve("live.csv"), out.resolve("batch.csv"));
        System.out.printf("  total time                           %.1f s%n", seconds);
        boolean ok = mismatched.isEmpty() && !live.isEmpty() && deadLetters == 2 * BAD_RECORDS.length;
        System.out.println(ok ? "CONSISTENT: every window the live pipeline finalised equals the batch result"
                : "INCONSISTENT: windows " + mismatched + " differ, or nothing fired, or the DLQ count is off");
        return ok ? 0 : 1;
    }

    private static void step(String message) {
        System.err.println("demo: " + message);
    }

    /** Orders {@code [from, to)}, each malformed record after the order it follows. */
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
    }

    private static PutRecordsRequestEntry entry(String data, String partitionKey) {
        return PutRecordsRequestEntry.builder().data(SdkBytes.fromUtf8String(data)).partitionKey(partitionKey).build();
    }

    /** The same records as the stream, bad ones included, in objects; every other object gzip-compressed. */
    private List<String> putObjects(S3Client s3, String bucket, List<Order> orders) throws IOException {
        List<String> keys = new ArrayList<>();
        int per = (orders.size() + objects - 1) / objects;
        for (int k = 0; k * per < orders.size(); k++) {
            StringBuilder text = new StringBuilder();
            for (int i = k * per; i < Math.min(orders.size(), (k + 1) * per); i++) {
                text.append(orders.get(i).toJson()).append('\n');
                if (i == orders.size() / 3 || i == 2 * orders.size() / 3) {
                    text.append(BAD_RECORDS[i == orders.size() / 3 ? 0 : 1]).append('\n');
                }
            }
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            String key = String.format("orders/part-%04d.jsonl", k);
            if (k % 2 == 1) {
                ByteArrayOutputStream gz = new ByteArrayOutputStream();
                try (OutputStream zip = new GZIPOutputStream(gz)) {
                    zip.write(bytes);
                }
                bytes = gz.toByteArray();
                key += ".gz";
            }
            String objectKey = key;
            byte[] body = bytes;
            s3.putObject(b -> b.bucket(bucket).key(objectKey), RequestBody.fromBytes(body));
            keys.add(objectKey);
        }
        return keys;
    }

    /** The nightly recomputation: a coordinator job over the objects, its tasks run by the batch function. */
    private JobReport runBatchJob(LambdaWiring wiring, DynamoDbClient dynamo, S3Client s3, Deployment deployment)
            throws InterruptedException {
        Clock clock = Clock.systemUTC();
        PrintStream metrics = new PrintStream(OutputStream.nullOutputStream());
        try (LocalTaskInvoker invoker = LocalTaskInvoker.of(2, () -> wiring.s3BatchOperator(clock, metrics)::handle)) {
            BatchCoordinator coordinator = new BatchCoordinator(wiring.pipeline(), wiring.stateStore(clock),
                    wiring.outputs(), new DynamoDbJobStore(dynamo, deployment.config().coordinationTable(),
                    Duration.ofDays(7), clock), invoker, s3, clock);
            return coordinator.submit(JobSpec.of("nightly-" + seed + "-" + records, pipeline,
                    JobInput.prefix(deployment.dataBucket(), "orders/"), deployment.config().resultsBucket(),
                    "batch-reports/"));
        }
    }

    /** Result rows by window start, from every result CSV object (headers dropped). */
    private static Map<Long, List<String>> rows(S3Client s3, String bucket, String resultsName) {
        Map<Long, List<String>> rows = new TreeMap<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix("results/" + resultsName + "/")).contents()) {
            String csv = s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asString(StandardCharsets.UTF_8);
            String[] lines = csv.split("\n");
            for (int i = 1; i < lines.length; i++) {
                long start = Long.parseLong(lines[i].substring(0, lines[i].indexOf(',')));
                rows.computeIfAbsent(start, s -> new ArrayList<>()).add(lines[i]);
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
     * a reader de-duplicates. Messages without one (Lambda's on-failure records) count each.
     */
    private static int count(SqsClient sqs, String queueUrl) {
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
                    id = DEAD_LETTER_JSON.readTree(m.body()).path("id").asText("");
                } catch (IOException notJson) {
                    id = "";
                }
                distinct.add(id.isEmpty() ? "message:" + m.messageId() : id);
            }
        }
        return distinct.size();
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
                    HandlerConfig.DEAD_LETTER_QUEUE_URL, dlq));
            return new Deployment(template, config, template.physicalName("OrdersStream"),
                    template.physicalName("DataBucket"));
        }
    }
}
