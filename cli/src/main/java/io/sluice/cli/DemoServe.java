package io.sluice.cli;

import io.sluice.dashboard.DashboardServer;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.Service;

import java.time.Instant;
import java.util.concurrent.CountDownLatch;

/** {@code sluice demo --serve}: the dashboard over the demo's results table, until the user interrupts. */
final class DemoServe {

    private DemoServe() {
    }

    /**
     * Serves the dashboard on the demo's local AWS (which stays up meanwhile) and blocks until Ctrl-C.
     *
     * @param at the demo's "now": its orders are on Double 11 2020, so the page is pinned to their last minute
     */
    static void serve(String table, LocalAws aws, String pipeline, int port, Instant at)
            throws InterruptedException {
        CountDownLatch interrupted = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(interrupted::countDown));
        try (DashboardServer server = DashboardServer.start(port, table, aws.endpoint(Service.DYNAMODB).toString())) {
            System.out.println();
            System.out.println("dashboard: " + server.url() + "?pipeline=" + pipeline + "&tz="
                    + DemoNightly.ZONE.getId() + "&at=" + at);
            System.out.println("API:       " + server.url() + "api/compare?pipeline=" + pipeline + "&tz="
                    + DemoNightly.ZONE.getId() + "&at=" + at);
            System.out.println("local AWS and the dashboard keep running; Ctrl-C stops them");
            System.out.print(aws.describe());
            interrupted.await();
        }
    }
}
