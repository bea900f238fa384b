package io.sluice.functions.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

class LambdaLoggingTest {

    @Test
    void aLogEvent_isOneJsonLine_withLambdasLevelName() throws Exception {
        LogRecord record = new LogRecord(Level.WARNING, "Rejected record to dead-letter output.\nkind=[invalid JSON]");
        record.setLoggerName("io.sluice.functions.runtime.SplitProcessor");
        record.setThrown(new IllegalStateException("state table throttled"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        new LambdaLogging(new PrintStream(bytes, true, StandardCharsets.UTF_8)).publish(record);

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1);
        JsonNode json = JsonMapper.builder().build().readTree(lines.get(0));
        assertThat(json.path("level").asText()).isEqualTo("WARN");
        assertThat(json.path("logger").asText()).isEqualTo("io.sluice.functions.runtime.SplitProcessor");
        assertThat(json.path("message").asText()).isEqualTo(record.getMessage());
        assertThat(json.path("errorType").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(json.path("timestamp").asText()).isEqualTo(record.getInstant().toString());
    }

    @Test
    void levels_mapBothWays_asLambdaNamesThem() {
        assertThat(LambdaLogging.julLevel("DEBUG")).isEqualTo(Level.FINE);
        assertThat(LambdaLogging.julLevel("warn")).isEqualTo(Level.WARNING);
        assertThat(LambdaLogging.julLevel("FATAL")).isEqualTo(Level.SEVERE);
        assertThat(LambdaLogging.julLevel("nonsense")).isEqualTo(Level.INFO);
        assertThat(LambdaLogging.lambdaLevel(Level.FINE)).isEqualTo("DEBUG");
        assertThat(LambdaLogging.lambdaLevel(Level.SEVERE)).isEqualTo("ERROR");
        assertThat(LambdaLogging.lambdaLevel(Level.FINEST)).isEqualTo("TRACE");
    }

    @Test
    void offLambda_nothingIsInstalled() {
        Handler[] before = LogManager.getLogManager().getLogger("").getHandlers();

        LambdaLogging.installOnLambda(Map.of("AWS_LAMBDA_LOG_LEVEL", "DEBUG"));

        assertThat(LogManager.getLogManager().getLogger("").getHandlers()).containsExactly(before);
    }
}
