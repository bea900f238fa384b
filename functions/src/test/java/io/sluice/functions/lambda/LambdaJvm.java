package io.sluice.functions.lambda;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;

/**
 * Names the JIT and the garbage collector of the JVM a benchmark runs in, and says whether they are the ones Lambda
 * gives a function. Lambda's Java 17 and 21 runtimes start the function's JVM with tiered compilation stopped at
 * level 1 (C1 only: no profiling, never C2) and the serial collector, unless the function's {@code JAVA_TOOL_OPTIONS}
 * says otherwise (AWS Lambda developer guide, "Customize Java runtime startup behavior"). A test JVM runs C2 and G1
 * by default, which makes the handler's steady CPU look 1.5-2x cheaper than Lambda bills it (BENCHMARKS.md, "The
 * handler as Lambda's JVM runs it"): a CPU figure is only a Lambda figure with {@link #FLAGS}, passed to the forked
 * test JVM as {@code -Dsluice.test.jvmArgs="..."} (the root pom adds it to surefire's {@code argLine}).
 */
public final class LambdaJvm {

    /** Lambda's Java 17 and 21 runtimes' JIT and collector flags (its heap, 85 % of the memory size, is left out). */
    public static final String FLAGS = "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC";

    private LambdaJvm() {
    }

    /** This JVM's JIT and collector, and whether they are Lambda's, for a benchmark's header. */
    public static String describe() {
        HotSpotDiagnosticMXBean hotspot = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        boolean tiered = Boolean.parseBoolean(hotspot.getVMOption("TieredCompilation").getValue());
        int stopAtLevel = Integer.parseInt(hotspot.getVMOption("TieredStopAtLevel").getValue());
        List<String> collectors = ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).toList();
        return describe(tiered, stopAtLevel, collectors);
    }

    /**
     * @param collectors the names of the JVM's {@link GarbageCollectorMXBean}s
     */
    static String describe(boolean tiered, int stopAtLevel, List<String> collectors) {
        String jit = !tiered ? "C2 only (no tiered compilation)"
                : stopAtLevel <= 0 ? "interpreter only"
                : stopAtLevel <= 3 ? "C1 only (tiered compilation stops at level " + stopAtLevel + ")"
                : "C1 then C2 (tiered)";
        String gc = collector(collectors);
        boolean lambdas = tiered && stopAtLevel == 1 && gc.equals("serial");
        return "JIT " + jit + ", " + gc + " GC: " + (lambdas ? "as Lambda's Java 17 and 21 runtimes run a function"
                : "not Lambda's (its Java 17 and 21 runtimes run C1 only and the serial GC); "
                + "-Dsluice.test.jvmArgs=\"" + FLAGS + "\" measures as Lambda runs");
    }

    private static String collector(List<String> names) {
        if (names.contains("Copy") || names.contains("MarkSweepCompact")) {
            return "serial";
        }
        if (names.stream().anyMatch(n -> n.startsWith("G1 "))) {
            return "G1";
        }
        if (names.contains("PS Scavenge") || names.contains("PS MarkSweep")) {
            return "parallel";
        }
        return String.join(" + ", names);
    }
}
