package io.sluice.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sluice}: run one pipeline live and offline on AWS Lambda, Kinesis, S3 and DynamoDB, or locally.
 *
 * <pre>{@code
 * ./sluice gen --records 1000000 --out orders.jsonl.gz
 * ./sluice run --pipeline gmv-by-category --input orders.jsonl.gz --out gmv.csv --mode stream --shards 4
 * }</pre>
 */
@Command(name = "sluice", mixinStandardHelpOptions = true, version = "sluice 0.1.0",
        description = "Serverless stream-and-batch processing: one pipeline, live and offline.",
        subcommands = {DemoCommand.class, DashboardCommand.class, GenCommand.class, RunCommand.class, LocalCommand.class, ScaleSimCommand.class,
                SimulateCommand.class, ReplayCommand.class,
                CommandLine.HelpCommand.class})
public final class SluiceCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (for tests). */
    public static int execute(String... args) {
        OneLineLogging.install();
        CommandLine cli = new CommandLine(new SluiceCommand());
        // A mistyped option gets one line and a pointer to --help, not the whole usage.
        cli.setParameterExceptionHandler((e, arguments) -> {
            CommandLine failed = e.getCommandLine();
            failed.getErr().println("error: " + oneLine(e));
            failed.getErr().println("try: sluice " + (failed == cli ? "" : failed.getCommandName() + " ") + "--help");
            return 2;
        });
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + oneLine(e));
            return e instanceof UsageException ? 2 : causedByRejectLimit(e) ? RejectLimitException.EXIT_CODE : 1;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    private static boolean causedByRejectLimit(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RejectLimitException) {
                return true;
            }
        }
        return false;
    }

    static String oneLine(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RejectLimitException) {
                e = t;
            }
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }

    /** A mistake of the caller (exit code 2), reported in one line without a stack trace. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
