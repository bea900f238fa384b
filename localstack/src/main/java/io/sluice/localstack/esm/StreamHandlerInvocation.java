package io.sluice.localstack.esm;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Calls a {@link RequestStreamHandler} as Lambda does for a Kinesis event source mapping: the event goes in as the
 * JSON the mapping sends ({@link KinesisEventJson}), the bytes the handler writes come back as its partial batch
 * response. An {@link IOException} of the handler, or a body that is not a response, is a function error, as on
 * Lambda.
 *
 * <pre>{@code
 * RequestHandler<KinesisEvent, StreamsEventResponse> h = StreamHandlerInvocation.kinesis(new MyStreamHandler());
 * }</pre>
 */
public final class StreamHandlerInvocation implements RequestHandler<KinesisEvent, StreamsEventResponse> {

    private final RequestStreamHandler handler;

    private StreamHandlerInvocation(RequestStreamHandler handler) {
        this.handler = handler;
    }

    /**
     * @param handler a {@link RequestStreamHandler} or a {@code RequestHandler<KinesisEvent, StreamsEventResponse>}, the
     *                two ways a Java function takes a Kinesis batch
     * @return the handler as the local runtime invokes it: a stream handler behind the event's JSON, a request
     *     handler as it is
     * @throws IllegalArgumentException if it is neither
     */
    @SuppressWarnings("unchecked")
    public static RequestHandler<KinesisEvent, StreamsEventResponse> kinesis(Object handler) {
        if (handler instanceof RequestStreamHandler stream) {
            return new StreamHandlerInvocation(stream);
        }
        if (handler instanceof RequestHandler<?, ?> request) {
            return (RequestHandler<KinesisEvent, StreamsEventResponse>) request;
        }
        throw new IllegalArgumentException(handler.getClass().getName()
                + " is neither a RequestStreamHandler nor a RequestHandler");
    }

    /** The handler this invocation calls (tests). */
    public RequestStreamHandler handler() {
        return handler;
    }

    @Override
    public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        ByteArrayOutputStream response = new ByteArrayOutputStream(256);
        try {
            handler.handleRequest(new ByteArrayInputStream(KinesisEventJson.toBytes(event)), response, context);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return KinesisEventJson.readResponse(new ByteArrayInputStream(response.toByteArray()));
    }
}
