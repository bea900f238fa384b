package io.sluice.orchestrator.lambda;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;

import java.lang.management.ManagementFactory;

/**
 * Cold initialisation probe for {@code orchestrator/bench/scaler-cold-start.sh}: in a fresh JVM on the shaded jar, it
 * builds the shard scaler the way Lambda does (no-argument constructor, configuration and clients from the
 * environment), runs one tick (stream topology, the last minute's shard load, the history read and saved) and prints
 * the time from JVM start to the tick's answer.
 *
 * <pre>{@code
 * java -cp orchestrator/target/sluice-orchestrator.jar:orchestrator/target/test-classes \
 *     io.sluice.orchestrator.lambda.ScalerColdStart
 * // cold-start handler=scaler jvm_to_constructed_ms=... jvm_to_response_ms=... main_thread_cpu_ms=... plan=...
 * }</pre>
 */
public final class ScalerColdStart {

    private ScalerColdStart() {
    }

    public static void main(String[] args) {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long mainAt = System.currentTimeMillis();
        ShardScalerHandler handler = new ShardScalerHandler();
        long constructedAt = System.currentTimeMillis();
        String line = handler.handleRequest(new ScheduledEvent(), null);
        long respondedAt = System.currentTimeMillis();
        long mainCpuMillis = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1_000_000;
        System.err.printf("cold-start handler=scaler jvm_to_main_ms=%d jvm_to_constructed_ms=%d jvm_to_response_ms=%d "
                        + "first_tick_ms=%d main_thread_cpu_ms=%d plan=[%s]%n", mainAt - jvmStart, constructedAt - jvmStart,
                respondedAt - jvmStart, respondedAt - constructedAt, mainCpuMillis, line);
    }
}
