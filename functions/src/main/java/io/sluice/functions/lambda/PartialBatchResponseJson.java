package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;

import java.io.IOException;
import java.io.OutputStream;

/**
 * A {@link StreamsEventResponse} as the Lambda Java runtime serializes a handler's return value:
 * {@code {"batchItemFailures":[{"itemIdentifier":"4959..."}]}}, null fields left out ({@code {}} for a failure
 * without an identifier, {@code {}} for a response without a list), {@code null} for no response at all.
 * {@code PartialBatchResponseJsonTest} compares the bytes with the runtime serializer's.
 */
final class PartialBatchResponseJson {

    /** The runtime's output stream stays open: the runtime closes it. */
    private static final JsonFactory JSON = JsonFactory.builder().disable(StreamWriteFeature.AUTO_CLOSE_TARGET).build();

    private PartialBatchResponseJson() {
    }

    static void write(StreamsEventResponse response, OutputStream out) throws IOException {
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            if (response == null) {
                g.writeNull();
                return;
            }
            g.writeStartObject();
            if (response.getBatchItemFailures() != null) {
                g.writeFieldName("batchItemFailures");
                g.writeStartArray();
                for (StreamsEventResponse.BatchItemFailure f : response.getBatchItemFailures()) {
                    if (f == null) {
                        g.writeNull();
                        continue;
                    }
                    g.writeStartObject();
                    if (f.getItemIdentifier() != null) {
                        g.writeStringField("itemIdentifier", f.getItemIdentifier());
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            g.writeEndObject();
        }
    }
}
