package io.sluice.functions.lambda;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LambdaJvmTest {

    @Test
    void lambdasFlags_areNamedAsLambdaRunsAFunction() {
        assertThat(LambdaJvm.describe(true, 1, List.of("Copy", "MarkSweepCompact")))
                .isEqualTo("JIT C1 only (tiered compilation stops at level 1), serial GC: "
                        + "as Lambda's Java 17 and 21 runtimes run a function");
    }

    @Test
    void aTestJvmsDefaults_areNamedNotLambdas_andTheFlagsThatMeasureAsLambdaRunsAreGiven() {
        assertThat(LambdaJvm.describe(true, 4, List.of("G1 Young Generation", "G1 Old Generation")))
                .startsWith("JIT C1 then C2 (tiered), G1 GC: not Lambda's")
                .endsWith("-Dsluice.test.jvmArgs=\"-XX:+TieredCompilation -XX:TieredStopAtLevel=1 "
                        + "-XX:+UseSerialGC\" measures as Lambda runs");
    }

    @Test
    void c1WithAnotherCollector_orTheSerialCollectorWithC2_isNotLambdas() {
        assertThat(LambdaJvm.describe(true, 1, List.of("PS Scavenge", "PS MarkSweep"))).contains("parallel GC: not");
        assertThat(LambdaJvm.describe(true, 4, List.of("Copy", "MarkSweepCompact"))).contains("serial GC: not");
        assertThat(LambdaJvm.describe(false, 4, List.of("Copy", "MarkSweepCompact")))
                .startsWith("JIT C2 only (no tiered compilation), serial GC: not");
    }

    @Test
    void thisJvm_isDescribed() {
        assertThat(LambdaJvm.describe()).startsWith("JIT ").contains(" GC: ");
    }
}
