package io.sluice.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user's own pipeline, compiled here into a jar of its own as a user's build would, run by {@code sluice run --jar}:
 * the README's path from a {@code PipelineRegistry.Provider} to results, without forking Sluice.
 */
class UserPipelineJarTest {

    private static final String PROVIDER = """
            package acme;

            import io.sluice.functions.api.Aggregates;
            import io.sluice.functions.api.Pipeline;
            import io.sluice.functions.api.PipelineDefinition;
            import io.sluice.functions.api.PipelineRegistry;
            import io.sluice.functions.api.Sink;
            import io.sluice.functions.api.Source;
            import io.sluice.functions.window.TumblingWindows;
            import io.sluice.functions.window.WatermarkStrategy;
            import java.time.Duration;
            import java.util.List;

            public final class AcmePipelines implements PipelineRegistry.Provider {
                public record Sale(String shop, long cents, long ts) {
                }

                @Override
                public List<PipelineDefinition<?>> pipelines() {
                    return List.of(Pipeline.from(Source.jsonLines(Sale.class))
                            .withTimestamps(Sale::ts, WatermarkStrategy.boundedDisorder(Duration.ofSeconds(5)))
                            .keyBy("shop", Sale::shop)
                            .window(TumblingWindows.of(Duration.ofMinutes(1)))
                            .aggregate(Aggregates.countAndSum(Sale::cents))
                            .to(Sink.results("acme-sales-by-shop").withValueColumns("sales", "cents")));
                }
            }
            """;

    @TempDir
    Path dir;

    @Test
    void run_loadsThePipelinesOfAUsersJar() throws Exception {
        Path jar = buildUserJar();
        Path input = Files.writeString(dir.resolve("sales.jsonl"), """
                {"shop":"north","cents":250,"ts":1000}
                {"shop":"south","cents":100,"ts":2000}
                {"shop":"north","cents":50,"ts":61000}
                """);

        int code = quietly("run", "--jar", jar.toString(), "--pipeline", "acme-sales-by-shop",
                "--input", input.toString(), "--out", dir.resolve("sales.csv").toString());

        assertThat(code).isZero();
        assertThat(Files.readAllLines(dir.resolve("sales.csv"))).containsExactly("window_start_ms,shop,sales,cents",
                "0,north,1,250", "0,south,1,100", "60000,north,1,50");
    }

    @Test
    void run_withoutTheJar_doesNotKnowThePipeline_andAMissingJarIsAUsageError() throws Exception {
        Path input = Files.writeString(dir.resolve("sales.jsonl"), "{}\n");

        assertThat(quietly("run", "--pipeline", "acme-sales-by-shop", "--input", input.toString(),
                "--out", dir.resolve("o.csv").toString())).isEqualTo(2);
        assertThat(quietly("run", "--jar", dir.resolve("nope.jar").toString(), "--pipeline", "acme-sales-by-shop",
                "--input", input.toString(), "--out", dir.resolve("o.csv").toString())).isEqualTo(2);
    }

    /** javac against the test class path, then a jar with the provider's META-INF/services entry. */
    private Path buildUserJar() throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/acme")).resolve("AcmePipelines.java");
        Files.writeString(src, PROVIDER);
        Path classes = Files.createDirectories(dir.resolve("classes"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "--release", "17", "-d", classes.toString(),
                "-cp", System.getProperty("java.class.path"), src.toString());
        assertThat(rc).as(diagnostics.toString(StandardCharsets.UTF_8)).isZero();
        Path jar = dir.resolve("acme-pipelines.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            try (var files = Files.walk(classes)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    out.write(Files.readAllBytes(f));
                    out.closeEntry();
                }
            }
            out.putNextEntry(new JarEntry("META-INF/services/io.sluice.functions.api.PipelineRegistry$Provider"));
            out.write("acme.AcmePipelines\n".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        return jar;
    }

    private static int quietly(String... args) {
        PrintStream err = System.err;
        System.setErr(new PrintStream(OutputStream.nullOutputStream()));
        try {
            return SluiceCommand.execute(args);
        } finally {
            System.setErr(err);
        }
    }
}
