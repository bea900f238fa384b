package io.sluice.localstack.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManagedProcessTest {

    @Test
    void shouldFailFastWhenTheServerLogsThatItsPortIsTaken(@TempDir Path dir) throws Exception {
        Path node = Executables.onPath("node").orElse(null);
        assumeTrue(node != null, "node is on the PATH wherever the emulators run");
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            // Like kinesis-mock: the listen error is logged and the process stays alive.
            String script = "require('net').createServer().listen(" + port + ")"
                    + ".on('error', e => { console.log(e.message); setInterval(() => {}, 1000); })";
            ManagedProcess p = ManagedProcess.start("listener", List.of(node.toString(), "-e", script), dir, Map.of(),
                    dir.resolve("listener.log"));
            try {
                long t0 = System.nanoTime();
                assertThatThrownBy(() -> p.awaitHttp(URI.create("http://127.0.0.1:" + port + "/"), Duration.ofSeconds(60)))
                        .isInstanceOf(PortTakenException.class)
                        .hasMessageContaining("EADDRINUSE");
                assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(30));
            } finally {
                p.stop();
            }
        }
    }

    @Test
    void shouldChooseFreeLoopbackPortsThatAreDistinctAndOutsideTheEphemeralRange() {
        int[] ports = Executables.freeLoopbackPorts(3);
        assertThat(Arrays.stream(ports).distinct().count()).isEqualTo(3);
        assertThat(Arrays.stream(ports).boxed().toList()).allSatisfy(p -> assertThat(p).isBetween(20_000, 32_767));
    }
}
