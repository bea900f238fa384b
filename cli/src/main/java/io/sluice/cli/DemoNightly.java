package io.sluice.cli;

import io.sluice.dashboard.CompareRequest;
import io.sluice.dashboard.DashboardQueries;
import io.sluice.dashboard.ResultsReader;
import io.sluice.functions.wiring.LambdaWiring;
import io.sluice.orchestrator.batch.BatchCoordinator;
import io.sluice.orchestrator.batch.DynamoDbJobStore;
import io.sluice.orchestrator.batch.LocalTaskInvoker;
import io.sluice.orchestrator.nightly.ConsistencyCheck;
import io.sluice.orchestrator.nightly.NightlyJob;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

/**
 * The demo's second half: yesterday's nightly job over the raw archive (the production path: {@link NightlyJob}, the
 * coordinator, the real batch function), and today's live numbers against yesterday's as the dashboard computes them.
 */
final class DemoNightly {

    /** The dashboard's zone in the demo: Double 11 is a Beijing-time event. */
    static final ZoneId ZONE = ZoneId.of("Asia/Shanghai");

    private DemoNightly() {
    }

    /** Runs the nightly job of {@code day} to completion, as the 01:00 schedule would. */
    static NightlyJob.Outcome run(LambdaWiring wiring, DynamoDbClient dynamo, S3Client s3, String archiveBucket,
                                  LocalDate day) throws InterruptedException {
        Clock clock = Clock.systemUTC();
        PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
        try (LocalTaskInvoker invoker = LocalTaskInvoker.of(2, () -> wiring.s3BatchOperator(clock, discard)::handle)) {
            BatchCoordinator coordinator = new BatchCoordinator(wiring.pipeline(), wiring.stateStore(clock),
                    wiring.outputs(), new DynamoDbJobStore(dynamo, wiring.config().coordinationTable(),
                    Duration.ofDays(7), clock), invoker, s3, clock);
            NightlyJob nightly = new NightlyJob(coordinator, new ConsistencyCheck(dynamo,
                    wiring.config().resultsTable().orElseThrow()), s3, wiring.pipeline().name(), archiveBucket,
                    wiring.config().resultsBucket(), clock, discard);
            return nightly.run(day, Instant.MAX);
        }
    }

    /** Prints today's last window and the day so far against the same times yesterday, from the results table. */
    @SuppressWarnings("unchecked")
    static void printComparison(DynamoDbClient dynamo, String table, String pipeline, Instant at) {
        try (ResultsReader reader = new ResultsReader(dynamo, table)) {
            Map<String, Object> c = new DashboardQueries(reader).compare(new CompareRequest(pipeline, at, ZONE, 5));
            if (c.get("window") == null) {
                System.out.println("\nno live window has fired today yet");
                return;
            }
            long window = (Long) c.get("window");
            Map<String, Object> now = (Map<String, Object>) c.get("current");
            Map<String, Object> day = (Map<String, Object>) c.get("daySoFar");
            System.out.printf("%nlive vs the same time yesterday (%s, Beijing time, %s)%n", pipeline,
                    Instant.ofEpochMilli(window).atZone(ZONE).toLocalTime());
            System.out.printf("  this minute     %16s  yesterday %16s  %s%s%n", money(now.get("todayCents")),
                    money(now.get("yesterdayCents")), percent(now.get("diffPercent")),
                    Boolean.TRUE.equals(now.get("final")) ? "" : "  (open, not final)");
            System.out.printf("  day so far      %16s  yesterday %16s  %s%n", money(day.get("todayCents")),
                    money(day.get("yesterdayCents")), percent(day.get("diffPercent")));
            for (Map<String, Object> k : (List<Map<String, Object>>) c.get("topKeys")) {
                System.out.printf("  %-15s %16s  yesterday %16s  %s%n", k.get("key"), money(k.get("todayCents")),
                        money(k.get("yesterdayCents")), percent(k.get("diffPercent")));
            }
        }
    }

    private static String money(Object cents) {
        long c = (Long) cents;
        return String.format("%,d.%02d", c / 100, Math.abs(c % 100));
    }

    private static String percent(Object p) {
        return p == null ? "n/a" : String.format("%+.1f %%", (Double) p);
    }
}
