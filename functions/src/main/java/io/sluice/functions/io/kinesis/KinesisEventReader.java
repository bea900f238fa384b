package io.sluice.functions.io.kinesis;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.core.Base64Variants;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Reads the JSON an event source mapping sends a Kinesis function, keeping only what the operator reads: per record
 * {@code eventID}, {@code eventSourceARN} and {@code kinesis.sequenceNumber}, {@code partitionKey}, {@code data}
 * (base64, decoded once into the array the batch keeps) and {@code approximateArrivalTimestamp} (epoch seconds,
 * milliseconds kept). Every other field is skipped unread; an ARN repeated on every record is kept once.
 *
 * <p>Two paths, one answer. {@link KinesisEventScanner} scans the payload's bytes for those fields when it is in the
 * plain shape a mapping sends (ASCII strings without escapes and the like); on anything else it gives up and Jackson
 * reads the payload, whose answer, records or error, stands. Where the scanner answers, it answers as Jackson does
 * ({@code KinesisEventScannerTest}). Both give the same values of those fields as the Lambda Java runtime's
 * serializer, which binds every field of every record by reflection ({@code KinesisEventReaderTest}: random events,
 * the runtime's own JSON included), at less CPU: the scanner at about 0.7x of Jackson's
 * ({@code KinesisEventReaderCpuBenchmark}, BENCHMARKS.md).
 *
 * <pre>{@code
 * List<KinesisEvent.KinesisEventRecord> records = KinesisEventReader.read(input);   // {"Records":[...]}
 * }</pre>
 *
 * <p>Bounded: Lambda hands a function at most 6 MB of request JSON, which is read whole ({@link #SCAN_LIMIT_BYTES});
 * anything larger goes to Jackson, streamed unless it was in memory already, and a string longer than Jackson's
 * default limit (20 M characters) is refused as malformed.
 */
public final class KinesisEventReader {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.defaults())
            .disable(StreamReadFeature.AUTO_CLOSE_SOURCE).build();

    /**
     * The largest payload scanned in memory: Lambda's 6 MB request limit (6,291,456 bytes) with room to spare. A larger
     * one (not a mapping's) is streamed through Jackson instead of held whole.
     */
    static final int SCAN_LIMIT_BYTES = 8 * 1024 * 1024;

    private KinesisEventReader() {
    }

    /**
     * @param json the invocation's payload, {@code {"Records":[{...},...]}}; read to its end (up to
     *             {@link #SCAN_LIMIT_BYTES}, else as far as Jackson reads), not closed
     * @return the records in order, with only the fields above set; empty for {@code {}} or {@code "Records":null}
     * @throws UncheckedIOException if the payload is not such JSON (the invocation fails, as the runtime's would)
     */
    public static List<KinesisEvent.KinesisEventRecord> read(InputStream json) {
        byte[] head;
        try {
            // Lambda's runtime hands the payload as a ByteArrayInputStream, in memory already, so no bound is passed.
            head = json instanceof ByteArrayInputStream bytes ? whole(bytes) : json.readNBytes(SCAN_LIMIT_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException("Kinesis event JSON not readable: " + e.getMessage(), e);
        }
        if (head.length > SCAN_LIMIT_BYTES) {   // not from a mapping: Jackson, streamed if not in memory already
            return readWithJackson(new SequenceInputStream(new ByteArrayInputStream(head), json));
        }
        List<KinesisEvent.KinesisEventRecord> scanned = KinesisEventScanner.scan(head);
        return scanned != null ? scanned : readWithJackson(head);
    }

    /**
     * The rest of {@code in}, without a copy where it can: the JDK's {@link ByteArrayInputStream#transferTo} writes its
     * array in one call, and when that is the whole array the array itself is the input, read and never written or
     * kept past this invocation. Lambda's Java runtime hands a stream handler exactly that: {@code new
     * ByteArrayInputStream(request.getContent())} (aws-lambda-java-runtime-interface-client, {@code
     * EventHandlerLoader}). A 6 MB copy was 8 % of the event's read in C1 (issue 15). Any other way of writing is
     * copied, as {@code readAllBytes} would.
     */
    static byte[] whole(ByteArrayInputStream in) throws IOException {
        WholeArray out = new WholeArray();
        in.transferTo(out);
        return out.bytes();
    }

    /** Keeps a single write of a whole array as it is; gathers anything else. */
    private static final class WholeArray extends OutputStream {

        private byte[] whole;
        private ByteArrayOutputStream parts;

        @Override
        public void write(int b) {
            parts().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (whole == null && parts == null && off == 0 && len == b.length) {
                whole = b;
            } else {
                parts().write(b, off, len);
            }
        }

        private ByteArrayOutputStream parts() {
            if (parts == null) {
                parts = new ByteArrayOutputStream();
                if (whole != null) {
                    parts.writeBytes(whole);
                    whole = null;
                }
            }
            return parts;
        }

        byte[] bytes() {
            return whole != null ? whole : parts != null ? parts.toByteArray() : new byte[0];
        }
    }

    /** The records as Jackson reads them: what {@link KinesisEventScanner} must equal, and the answer where it gives up. */
    static List<KinesisEvent.KinesisEventRecord> readWithJackson(byte[] json) {
        return readWithJackson(new ByteArrayInputStream(json));
    }

    private static List<KinesisEvent.KinesisEventRecord> readWithJackson(InputStream json) {
        try (JsonParser p = JSON.createParser(json)) {
            expect(p.nextToken(), JsonToken.START_OBJECT, p);
            List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
            String lastArn = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                if (!"Records".equals(field) || value == JsonToken.VALUE_NULL) {
                    p.skipChildren();
                    continue;
                }
                expect(value, JsonToken.START_ARRAY, p);
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    KinesisEvent.KinesisEventRecord record = record(p, lastArn);
                    lastArn = record.getEventSourceARN() == null ? lastArn : record.getEventSourceARN();
                    records.add(record);
                }
            }
            return records;
        } catch (IOException e) {
            throw new UncheckedIOException("Kinesis event JSON not readable: " + e.getMessage(), e);
        }
    }

    private static KinesisEvent.KinesisEventRecord record(JsonParser p, String lastArn) throws IOException {
        KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
        if (p.currentToken() == JsonToken.VALUE_NULL) {
            return record;
        }
        expect(p.currentToken(), JsonToken.START_OBJECT, p);
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "eventID" -> record.setEventID(text(p, value));
                case "eventSourceARN" -> {
                    String arn = text(p, value);
                    record.setEventSourceARN(arn != null && arn.equals(lastArn) ? lastArn : arn);
                }
                case "kinesis" -> record.setKinesis(value == JsonToken.VALUE_NULL ? null : kinesis(p));
                default -> p.skipChildren();
            }
        }
        return record;
    }

    private static KinesisEvent.Record kinesis(JsonParser p) throws IOException {
        expect(p.currentToken(), JsonToken.START_OBJECT, p);
        KinesisEvent.Record kinesis = new KinesisEvent.Record();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String field = p.currentName();
            JsonToken value = p.nextToken();
            switch (field) {
                case "sequenceNumber" -> kinesis.setSequenceNumber(text(p, value));
                case "partitionKey" -> kinesis.setPartitionKey(text(p, value));
                case "data" -> kinesis.setData(value == JsonToken.VALUE_NULL ? null
                        : ByteBuffer.wrap(p.getBinaryValue(Base64Variants.MIME_NO_LINEFEEDS)));
                case "approximateArrivalTimestamp" -> kinesis.setApproximateArrivalTimestamp(arrival(p, value));
                default -> p.skipChildren();
            }
        }
        return kinesis;
    }

    /**
     * Epoch seconds with a fraction ({@code 1545084650.987}) to a {@code Date}, as the runtime does: the number read
     * as a {@code double}, times 1,000, truncated (so 0.7 % of three-decimal values lose a millisecond there too).
     */
    private static Date arrival(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_NUMBER_FLOAT && value != JsonToken.VALUE_NUMBER_INT) {
            throw new IOException("approximateArrivalTimestamp is not a number: " + value);
        }
        return new Date((long) (p.getDoubleValue() * 1000));
    }

    private static String text(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw new IOException("expected a string, got " + value + " at " + p.currentLocation());
        }
        return p.getText();
    }

    private static void expect(JsonToken actual, JsonToken expected, JsonParser p) throws IOException {
        if (actual != expected) {
            throw new IOException("expected " + expected + ", got " + actual + " at " + p.currentLocation());
        }
    }
}
