package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The stream handler's response, byte for byte what the Lambda Java runtime writes for a returned response. */
class PartialBatchResponseJsonTest {

    /** The runtime's serializer of a handler's return value (a POJO, not one of its event classes). */
    private static final PojoSerializer<StreamsEventResponse> RUNTIME =
            JacksonFactory.getInstance().getSerializer(StreamsEventResponse.class);

    @Test
    void write_givesTheRuntimesBytes_forRandomResponses() throws IOException {
        Random random = new Random(15);
        List<StreamsEventResponse> responses = new ArrayList<>(List.of(new StreamsEventResponse(List.of()),
                new StreamsEventResponse(null), new StreamsEventResponse(List.of(
                        new StreamsEventResponse.BatchItemFailure(null)))));
        for (int i = 0; i < 200; i++) {
            List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
            for (int f = random.nextInt(4); f > 0; f--) {
                failures.add(new StreamsEventResponse.BatchItemFailure(random.nextInt(10) == 0 ? null
                        : new BigInteger(128, random).toString()));
            }
            responses.add(new StreamsEventResponse(failures));
        }
        for (StreamsEventResponse response : responses) {
            ByteArrayOutputStream ours = new ByteArrayOutputStream();
            ByteArrayOutputStream runtimes = new ByteArrayOutputStream();

            PartialBatchResponseJson.write(response, ours);
            RUNTIME.toJson(response, runtimes);

            assertThat(ours.toString(StandardCharsets.UTF_8)).isEqualTo(runtimes.toString(StandardCharsets.UTF_8));
        }
    }
}
