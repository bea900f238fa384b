package io.sluice.localstack.esm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;

/**
 * A {@code RequestStreamHandler} behind the local event source mapping, as Lambda runs one: handed the event's JSON,
 * its bytes read back as the partial batch response.
 */
class StreamHandlerInvocationTest {

    /** Keeps the JSON it was handed; answers with {@link #answer}. */
    public static final class JsonHandler implements RequestStreamHandler {
        static volatile byte[] received;
        static volatile String answer = "";

        public JsonHandler() {
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
            received = input.readAllBytes();
            if (answer == null) {
                throw new IOException("broken pipe");
            }
            output.write(answer.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Neither kind of handler. */
    public static final class NotAHandler {
        public NotAHandler() {
        }
    }

    @Test
    void ofClass_handsAStreamHandlerTheMappingsJson_andReadsItsBatchItemFailures() {
        // Arrange
        KinesisEvent event = event();
        String second = event.getRecords().get(1).getKinesis().getSequenceNumber();
        JsonHandler.answer = "{\"batchItemFailures\":[{\"itemIdentifier\":\"" + second + "\"}]}";
        RequestHandler<KinesisEvent, StreamsEventResponse> handler =
                HandlerFactory.ofClass(JsonHandler.class.getName()).newInstance();

        // Act
        StreamsEventResponse response = handler.handleRequest(event, null);

        // Assert
        assertThat(JsonHandler.received).isEqualTo(KinesisEventJson.toBytes(event));
        assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .containsExactly(second);
    }

    @Test
    void aStreamHandlersAnswer_isReadAsTheMappingReadsIt() {
        RequestHandler<KinesisEvent, StreamsEventResponse> handler = StreamHandlerInvocation.kinesis(new JsonHandler());

        JsonHandler.answer = "";
        assertThat(handler.handleRequest(event(), null)).as("nothing written: success").isNull();
        JsonHandler.answer = "null";
        assertThat(handler.handleRequest(event(), null)).isNull();
        JsonHandler.answer = "{}";
        assertThat(handler.handleRequest(event(), null).getBatchItemFailures()).isNull();
        JsonHandler.answer = "{\"batchItemFailures\":[{}]}";
        assertThat(handler.handleRequest(event(), null).getBatchItemFailures()).singleElement()
                .satisfies(f -> assertThat(f.getItemIdentifier()).isNull());   // the mapping fails the whole batch
        JsonHandler.answer = "{\"batchItemFailures\":";
        assertThatThrownBy(() -> handler.handleRequest(event(), null)).isInstanceOf(IllegalArgumentException.class);
        JsonHandler.answer = null;
        assertThatThrownBy(() -> handler.handleRequest(event(), null)).isInstanceOf(UncheckedIOException.class);
    }

    @Test
    void ofClass_refusesAClassThatIsNoHandler() {
        assertThatThrownBy(() -> HandlerFactory.ofClass(NotAHandler.class.getName()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("neither");
    }

    private static KinesisEvent event() {
        FakeKinesis kinesis = new FakeKinesis(1);
        kinesis.put(0, SdkBytes.fromUtf8String("{\"orderId\":\"o-1\"}"), Instant.ofEpochMilli(1_545_084_650_987L));
        kinesis.put(0, SdkBytes.fromUtf8String("{\"orderId\":\"o-2\"}"), Instant.ofEpochMilli(1_545_084_650_988L));
        var records = kinesis.getRecords(b -> b.shardIterator("shardId-000000000000/0")).records();
        return KinesisEvents.of(List.copyOf(records), "shardId-000000000000", FakeKinesis.ARN, "us-east-1");
    }
}
