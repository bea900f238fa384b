package io.sluice.functions.io.s3;

import io.sluice.functions.codec.BoundedLineReader;
import io.sluice.functions.runtime.SplitProcessor;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Runs one S3 object through a batch split: streams it (gzip is recognised by its magic bytes, not by the key),
 * feeds its lines in chunks of {@link #CHUNK_LINES} to the {@link SplitProcessor}, then marks the split finished.
 * Memory stays at one chunk whatever the object's size. Line {@code n} has the fence {@code n}, so a retried task
 * skips the chunks already applied.
 *
 * <pre>{@code
 * long lines = S3ObjectTask.run(s3, "sluice-dev-data", "orders/2020-11-11.jsonl.gz", null, processor, now);
 * }</pre>
 */
public final class S3ObjectTask {

    /** Lines per processed chunk: one fenced write of the touched partials per chunk. */
    public static final int CHUNK_LINES = 50_000;

    private S3ObjectTask() {
    }

    /**
     * @param versionId the object version, or null for the latest
     * @return lines read
     * @throws software.amazon.awssdk.services.s3.model.NoSuchKeyException if the object does not exist
     * @throws java.util.zip.ZipException   if the object starts like gzip but is not
     * @throws IOException                  if reading fails midway
     */
    public static long run(S3Client s3, String bucket, String key, String versionId, SplitProcessor processor,
                           int maxRecordBytes, long nowMillis) throws IOException {
        GetObjectRequest request = GetObjectRequest.builder().bucket(bucket).key(key).versionId(versionId).build();
        LineChunk chunk = new LineChunk(1024);
        long lines = 0;
        try (InputStream in = decompressed(s3.getObject(request));
             BoundedLineReader reader = new BoundedLineReader(in, maxRecordBytes)) {
            while (reader.next()) {
                lines = reader.lineNumber();
                if (reader.oversized()) {
                    chunk.addOversized(reader.length(), lines, lines);
                } else {
                    chunk.add(reader.buffer(), reader.offset(), reader.length(), lines, lines);
                }
                if (chunk.size() >= CHUNK_LINES) {
                    processor.process(chunk, Long.MIN_VALUE, nowMillis);
                    chunk.clear();
                }
            }
        }
        processor.process(chunk, Long.MIN_VALUE, nowMillis);
        processor.finish(nowMillis);
        return lines;
    }

    /** The object's bytes, gunzipped when they start with the gzip magic {@code 1F 8B}. */
    static InputStream decompressed(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        return b0 == 0x1F && b1 == 0x8B ? new GZIPInputStream(in, 1 << 16) : in;
    }
}
