package io.sluice.benchmarks;

import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiPredicate;

/**
 * Summarises the {@code jdk.ExecutionSample} events of a JFR recording of {@link RunBenchmark}: samples by engine
 * stage, by top (self) frame, and by the innermost Sluice frame. A sample's stage is that of the innermost frame
 * (inlined frames included) that belongs to a stage, so a {@code HashMap.get} called by the combiner counts as
 * combine and a {@code String} built by Jackson counts as decode.
 *
 * <pre>{@code
 * java -cp ... io.sluice.benchmarks.JfrTop /tmp/sluice-bench/batch.jfr [top-n]
 * }</pre>
 */
public final class JfrTop {

    private record Stage(String name, BiPredicate<String, String> matches) {
    }

    private static final String F = "io.sluice.functions.";

    /** Checked innermost frame first; the first stage a frame matches wins. */
    private static final List<Stage> STAGES = List.of(
            new Stage("decode: Jackson binding of Order", (type, method) -> type.startsWith("com.fasterxml.jackson.")
                    || type.startsWith(F + "codec.JsonLinesDecoder")
                    || (type.equals(F + "examples.Order") && method.equals("<init>"))),
            new Stage("line reading: BoundedLineReader, file I/O", (type, method) ->
                    type.equals(F + "codec.BoundedLineReader") || type.startsWith("sun.nio.ch.")
                    || type.startsWith("java.nio.channels.") || type.equals("java.io.FileInputStream")
                    || type.equals(F + "local.LocalRunner$TaskReader")
                    || type.equals("io.sluice.benchmarks.ByteLines")),
            new Stage("copy into batch: LineBatch", (type, method) -> type.equals(F + "local.LineBatch")),
            new Stage("stream routing: LocalRunner.shardOf", (type, method) -> type.equals(F + "local.LocalRunner")
                    && method.equals("shardOf")),
            new Stage("state writes: PartialWriter, codec, state store", (type, method) ->
                    type.equals(F + "runtime.PartialWriter") || type.startsWith(F + "codec.VarLongCodec")
                    || type.startsWith(F + "codec.JacksonAccumulatorCodec") || type.startsWith("io.sluice.state.")),
            new Stage("firing and watermarks: WindowFirer, GlobalWatermark, ReplayClock", (type, method) ->
                    type.equals(F + "runtime.WindowFirer") || type.equals(F + "runtime.GlobalWatermark")
                            || type.equals(F + "driver.PipelineRun")
                    || type.equals(F + "runtime.ReplayClock")),
            new Stage("combine: chain, key, window, accumulate", (type, method) ->
                    type.startsWith(F + "runtime.") || type.startsWith(F + "api.") || type.startsWith(F + "window.")
                    || type.startsWith(F + "examples.") || type.equals("io.sluice.benchmarks.WindowTotals")));

    private JfrTop() {
    }

    /** Prints the summary of the recording {@code args[0]}; {@code args[1]} is how many frames to list (20). */
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: JfrTop <recording.jfr> [top-n]");
            System.exit(2);
        }
        int top = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Map<String, Integer> stages = new HashMap<>();
        Map<String, Integer> self = new HashMap<>();
        Map<String, Integer> sluice = new HashMap<>();
        Map<String, Integer> threads = new HashMap<>();
        int total = 0;
        try (RecordingFile recording = new RecordingFile(Path.of(args[0]))) {
            while (recording.hasMoreEvents()) {
                RecordedEvent e = recording.readEvent();
                if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                RecordedStackTrace stack = e.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                total++;
                List<RecordedFrame> frames = stack.getFrames();
                self.merge(name(frames.get(0)), 1, Integer::sum);
                stages.merge(stageOf(frames), 1, Integer::sum);
                for (RecordedFrame f : frames) {
                    if (f.getMethod().getType().getName().startsWith("io.sluice.")) {
                        sluice.merge(name(f), 1, Integer::sum);
                        break;
                    }
                }
                var thread = e.getThread("sampledThread");
                threads.merge(thread == null ? "?" : thread.getJavaName(), 1, Integer::sum);
            }
        }
        System.out.printf(Locale.ROOT, "%d execution samples in %s%n", total, args[0]);
        print("By stage (innermost frame that belongs to a stage)", stages, total, Integer.MAX_VALUE);
        print("Top frames (self time)", self, total, top);
        print("Innermost Sluice frame", sluice, total, top);
        print("By thread", threads, total, top);
    }

    private static String stageOf(List<RecordedFrame> frames) {
        for (RecordedFrame f : frames) {
            String type = f.getMethod().getType().getName();
            String method = f.getMethod().getName();
            for (Stage s : STAGES) {
                if (s.matches().test(type, method)) {
                    return s.name();
                }
            }
        }
        return "other (JDK, JIT, benchmark harness)";
    }

    private static String name(RecordedFrame f) {
        return f.getMethod().getType().getName() + "." + f.getMethod().getName();
    }

    private static void print(String title, Map<String, Integer> counts, int total, int limit) {
        System.out.println();
        System.out.println(title + ":");
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .limit(limit)
                .forEach(e -> System.out.printf(Locale.ROOT, "  %5.1f%%  %7d  %s%n", 100.0 * e.getValue() / total,
                        e.getValue(), e.getKey()));
    }
}
