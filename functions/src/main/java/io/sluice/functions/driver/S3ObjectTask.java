package io.sluice.functions.driver;

import io.sluice.functions.codec.BoundedLineReader;
import io.sluice.functions.runtime.LineBatch;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * Runs one S3 object through a batch split: streams it (gzip is recognised by its magic bytes, not by the key),
 * feeds its lines in chunks of {@link #CHUNK_LINES} to the {@link PipelineRun}, then marks the split finished.
 * Memory stays at one chunk whatever the object's size. Line {@code n} has the fence {@code n}, so a retried task
 * skips the chunks already applied.
 *
 * <pre>{@code
 * long lines = S3ObjectTask.run(s3, "sluice-dev-data", "orders/2020-11-11.jsonl.gz", null, run, "task-1", now);
 * long part = S3ObjectTask.run(s3, "sluice-dev-data", "orders/big.jsonl", null, 0, 64 << 20, run, "task-2", now);
 * }</pre>
 */
public final class S3ObjectTask {

    /** Lines per processed chunk: one fenced write of the touched partials per chunk. */
    public static final int CHUNK_LINES = 50_000;

    private S3ObjectTask() {
    }

    /** A whole object. */
    public static long run(S3Client s3, String bucket, String key, String versionId, PipelineRun run,
                           String split, long nowMillis) throws IOException {
        return run(s3, bucket, key, versionId, 0, Long.MAX_VALUE, run, split, nowMillis);
    }

    /**
     * The lines of an object whose first byte lies in {@code [start, end)}; {@code [0, Long.MAX_VALUE)} is the whole
     * object, plain or gzip. A range starts one byte early and skips to the first line start, so adjacent ranges
     * cover every line exactly once; only plain objects can be read by range.
     *
     * @param versionId the object version, or null for the latest
     * @return lines read
     * @throws software.amazon.awssdk.services.s3.model.NoSuchKeyException if the object does not exist
     * @throws RangeOfCompressedObjectException if a byte range of a gzip object is asked for
     * @throws java.util.zip.ZipException   if the object starts like gzip but is not
     * @throws IOException                  if reading fails midway
     */
    public static long run(S3Client s3, String bucket, String key, String versionId, long start, long end,
                           PipelineRun run, String split, long nowMillis) throws IOException {
        return run(s3, bucket, key, versionId, null, start, end, run, split, nowMillis);
    }

    /**
     * Like {@link #run(S3Client, String, String, String, long, long, PipelineRun, String, long)}, reading only the
     * object whose ETag is {@code etag} (null: whatever is current): every read of a task and of its retries sees the
     * same bytes, so line numbers (the fences) mean the same lines.
     *
     * @throws ObjectChangedException if the object's ETag is no longer {@code etag}
     */
    public static long run(S3Client s3, String bucket, String key, String versionId, String etag, long start,
                           long end, PipelineRun run, String split, long nowMillis) throws IOException {
        int maxRecordBytes = run.pipeline().maxRecordBytes();
        boolean ranged = start != 0 || end != Long.MAX_VALUE;
        if (start > 0 && isGzip(get(s3, GetObjectRequest.builder().bucket(bucket).key(key).versionId(versionId)
                .ifMatch(etag).range("bytes=0-1").build(), etag))) {
            throw new RangeOfCompressedObjectException(bucket, key);
        }
        long from = start > 0 ? start - 1 : 0;
        GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key).versionId(versionId)
                .ifMatch(etag);
        if (from > 0) {
            request.range("bytes=" + from + "-");
        }
        ResponseInputStream<GetObjectResponse> object = get(s3, request.build(), etag);
        LineBatch chunk = new LineBatch(1024);
        long lines = 0;
        boolean drained = false;
        try (InputStream in = decompressed(object);
             BoundedLineReader reader = new BoundedLineReader(in, maxRecordBytes)) {
            if (ranged && in instanceof GZIPInputStream) {
                throw new RangeOfCompressedObjectException(bucket, key);
            }
            long base = from + (start > 0 ? BoundedLineReader.skipToNextLine(in) : 0);
            while (true) {
                if (!reader.next()) {
                    drained = true;
                    break;
                }
                if (base + reader.lineStart() >= end) {
                    break;
                }
                lines++;
                if (reader.oversized()) {
                    chunk.addOversized(reader.length(), lines, lines);
                } else {
                    chunk.add(reader.buffer(), reader.offset(), reader.length(), lines, lines);
                }
                if (chunk.size() >= CHUNK_LINES) {
                    run.apply(split, chunk, nowMillis);
                    chunk.clear();
                }
            }
            if (!drained) {
                // Closing would read the rest of the object to reuse the connection; a range stops early.
                object.abort();
            }
        }
        run.apply(split, chunk, nowMillis);
        run.finish(split, nowMillis);
        return lines;
    }

    private static ResponseInputStream<GetObjectResponse> get(S3Client s3, GetObjectRequest request, String etag) {
        try {
            return s3.getObject(request);
        } catch (S3Exception e) {
            if (e.statusCode() == 412) {
                throw new ObjectChangedException(request.bucket(), request.key(), etag);
            }
            throw e;
        }
    }

    /**
     * The object was rewritten after the job was planned (its ETag differs): a permanent failure, since reading the
     * new bytes would mix two versions in one job.
     */
    public static final class ObjectChangedException extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        ObjectChangedException(String bucket, String key, String etag) {
            super("object changed since the job was planned: s3://" + bucket + "/" + key + " no longer has ETag "
                    + etag);
        }
    }

    /** Whether the stream starts with the gzip magic. */
    private static boolean isGzip(InputStream head) throws IOException {
        try (head) {
            return head.read() == 0x1F && head.read() == 0x8B;
        }
    }

    /** A byte range of a gzip object: gzip cannot be entered in the middle. */
    public static final class RangeOfCompressedObjectException extends IOException {
        private static final long serialVersionUID = 1L;

        RangeOfCompressedObjectException(String bucket, String key) {
            super("byte ranges need an uncompressed object: s3://" + bucket + "/" + key + " is gzip");
        }
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
