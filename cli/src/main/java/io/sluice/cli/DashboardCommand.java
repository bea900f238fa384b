package io.sluice.cli;

import io.sluice.dashboard.DashboardServer;
import io.sluice.localstack.LocalAwsState;
import io.sluice.localstack.Service;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sluice dashboard}: the GMV dashboard (page and JSON API) over a results table, until interrupted. By
 * default it reads the table of {@code sluice local up} ({@code sluice-local-results}) on the local AWS that command
 * started; {@code --endpoint} and {@code --table} point it elsewhere (without {@code --endpoint} and without local
 * AWS, the SDK's default credentials and region reach the real table).
 */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = "Serve the GMV dashboard (live vs yesterday, nightly check) and its JSON API.")
final class DashboardCommand implements Callable<Integer> {

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (0: any free port). Default: ${DEFAULT-VALUE}.")
    int port;

    @Option(names = "--stage", defaultValue = "local", description = "Template Stage whose results table to read. Default: ${DEFAULT-VALUE}.")
    String stage;

    @Option(names = "--table", description = "Results table (default: sluice-<stage>-results).")
    String table;

    @Option(names = "--endpoint", description = "DynamoDB endpoint (default: the one `sluice local up` started, if any).")
    String endpoint;

    @Override
    public Integer call() throws Exception {
        if (port < 0 || port > 65_535) {
            throw new SluiceCommand.UsageException("--port must be in [0, 65535] but was " + port);
        }
        String results = table != null ? table : "sluice-" + stage + "-results";
        String dynamo = endpoint != null ? endpoint : LocalAwsState.load(LocalCommand.stateDir())
                .filter(LocalAwsState::alive).map(s -> s.attach().endpoint(Service.DYNAMODB).toString()).orElse(null);
        try (DashboardServer server = DashboardServer.start(port, results, dynamo)) {
            System.out.println("dashboard: " + server.url() + " (results table " + results
                    + (dynamo == null ? ", AWS default chain" : " at " + dynamo) + "); Ctrl-C to stop");
            CountDownLatch interrupted = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(interrupted::countDown));
            interrupted.await();
        }
        return 0;
    }
}
