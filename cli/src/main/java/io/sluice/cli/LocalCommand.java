package io.sluice.cli;

import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateOptions;
import io.sluice.localstack.DockerProbe;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code sluice local up|down|status}: local AWS that outlives the command. Without Docker, kinesis-mock and
 * moto_server run detached and are recorded in {@code .sluice/local/state.json}; with Docker (or
 * {@code --env localstack}), LocalStack runs from {@code localstack/docker-compose.yml}. {@code up} provisions
 * everything {@code template.yaml} declares; the provisioning table and endpoints go to standard error and only the
 * {@code export AWS_...} lines to standard output, so {@code eval "$(./sluice local up)"} sets them in the shell.
 * {@code status} exits 1 when local AWS is not (fully) running.
 */
@Command(name = "local", mixinStandardHelpOptions = true,
        description = "Start, stop or inspect local AWS (emulators, or LocalStack when Docker is available).",
        subcommands = {LocalCommand.Up.class, LocalCommand.Down.class, LocalCommand.Status.class})
final class LocalCommand implements Runnable {

    /** LocalStack's edge endpoint as published by the compose file. */
    static final URI LOCALSTACK_ENDPOINT = URI.create("http://localhost:4566");

    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /**
     * The project directory: {@code SLUICE_HOME} (set by {@code ./sluice}), else the nearest directory holding
     * {@code template.yaml} from the working directory up.
     */
    static Path home() {
        String home = System.getenv("SLUICE_HOME");
        return home != null && !home.isBlank() ? Path.of(home) : Template.locate().getParent();
    }

    static Path stateDir() {
        return home().resolve(LocalAwsState.DEFAULT_DIR);
    }

    private static Path localStackMarker() {
        return stateDir().resolve("localstack");
    }

    private static Path composeFile() {
        return home().resolve("localstack").resolve("docker-compose.yml");
    }

    /** Whether {@code docker compose} (the plugin) answers; without it LocalStack cannot start from the compose file. */
    static boolean composeAvailable() {
        try {
            Process p = new ProcessBuilder("docker", "compose", "version").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Lines of {@code text} starting with {@code export } go to {@code out}, every other line to {@code err}. */
    static void splitExports(String text, java.io.PrintStream out, java.io.PrintStream err) {
        text.lines().forEach(line -> (line.startsWith("export ") ? out : err).println(line));
    }

    private static int compose(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("docker", "compose", "-f", composeFile().toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    @Command(name = "up", mixinStandardHelpOptions = true,
            description = "Start local AWS, provision template.yaml into it, print endpoints and an export block.")
    static final class Up implements Callable<Integer> {

        @Option(names = "--env", defaultValue = "auto",
                description = "auto (LocalStack if a Docker engine answers, else emulators), emulators or localstack.")
        String env;

        @Option(names = "--stage", defaultValue = "local", description = "Template Stage parameter. Default: ${DEFAULT-VALUE}.")
        String stage;

        @Override
        public Integer call() throws Exception {
            String kind = resolve(env);
            long started = System.nanoTime();
            LocalAws aws;
            if ("localstack".equals(kind)) {
                if (!composeAvailable()) {
                    throw new SluiceCommand.UsageException("--env localstack needs Docker with the compose plugin "
                            + "(`docker compose version` failed); use --env emulators");
                }
                if (compose("up", "-d", "--wait") != 0) {
                    throw new IllegalStateException("docker compose up failed for " + composeFile());
                }
                Files.createDirectories(stateDir());
                Files.writeString(localStackMarker(), LOCALSTACK_ENDPOINT.toString());
                aws = LocalAws.attach(LOCALSTACK_ENDPOINT, Map.of());
            } else {
                aws = LocalAwsState.up(stateDir()).attach();
            }
            System.err.printf("local AWS (%s) ready in %.1f s%n", kind, (System.nanoTime() - started) / 1e9);
            Template template = Template.load(home().resolve("template.yaml"),
                    TemplateOptions.local().withParameter("Stage", stage));
            System.err.print(LocalProvisioning.provision(template, aws));
            splitExports(aws.describe(), System.out, System.err);
            return 0;
        }

        private static String resolve(String env) {
            switch (env) {
                case "emulators":
                case "localstack":
                    return env;
                case "auto":
                    return DockerProbe.dockerAvailable() ? "localstack" : "emulators";
                default:
                    throw new SluiceCommand.UsageException("--env must be auto, emulators or localstack but was " + env);
            }
        }
    }

    @Command(name = "down", mixinStandardHelpOptions = true, description = "Stop local AWS started by `local up`.")
    static final class Down implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            boolean stopped = false;
            var state = LocalAwsState.load(stateDir());
            if (state.isPresent()) {
                state.get().down();
                stopped = true;
            }
            if (Files.exists(localStackMarker())) {
                compose("down");
                Files.delete(localStackMarker());
                stopped = true;
            }
            System.err.println(stopped ? "local AWS stopped" : "local AWS was not running");
            return 0;
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Show whether local AWS is running.")
    static final class Status implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            if (Files.exists(localStackMarker())) {
                System.out.println("LocalStack (docker compose) at " + Files.readString(localStackMarker()).strip());
                return 0;
            }
            var state = LocalAwsState.load(stateDir());
            if (state.isEmpty()) {
                System.out.println("Local AWS is not running (start it with ./sluice local up)");
                return 1;
            }
            System.out.print(state.get().status());
            return state.get().alive() ? 0 : 1;
        }
    }
}
