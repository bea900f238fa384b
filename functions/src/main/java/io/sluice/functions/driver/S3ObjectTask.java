package io.sluice.functions.driver;

import io.sluice.functions.codec.BoundedLineReader;
import io.sluice.functions.runtime.LineBatch;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * Runs one S3 object, or several small ones in order, through a batch split: streams each (gzip is recognised by its
 * magic bytes, not by the key), feeds their lines in chunks of {@link #CHUNK_LINES} to the {@link PipelineRun}, then
 * marks the split finished. Memory stays at one chunk whatever the objects' sizes. Line {@code n} of the split (counted
 * across its objects, in their order) has the fence {@code n}, so a retried task skips the chunks already applied;
 * every object is read at the ETag seen at planning, so line numbers mean the same lines on every attempt.
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

    /**
     * A whole object of a split of several.
     *
     * @param versionId version or null
     * @param etag      the ETag seen at planning, or null for whatever is current
     */
    public record Part(String bucket, String key, String versionId, String etag) {
    }

    /**
     * Whole objects read one after the other as one split: line numbers (the fences) continue from one object to the
     * next, and the split is finished after the last.
     *
     * @return lines read, over all the objects
     * @throws software.amazon.awssdk.services.s3.model.NoSuchKeyException naming the missing object
     * @throws ObjectChangedException if an object's ETag is no longer the one planned
     * @throws IOException            if reading fails midway
     */
    public static long run(S3Client s3, List<Part> parts, PipelineRun run, String split, long nowMillis)
            throws IOException {
        LineBatch chunk = new LineBatch(1024);
        long lines = 0;
        for (Part p : parts) {
            try {
                lines = feed(s3, p.bucket(), p.key(), p.versionId(), p.etag(), 0, Long.MAX_VALUE, run, split, nowMillis,
                        chunk, lines);
            } catch (NoSuchKeyException missing) {
                throw NoSuchKeyException.builder().message("s3://" + p.bucket() + "/" + p.key()).build();
            }
        }
        run.apply(split, chunk, nowMillis);
        run.finish(split, nowMillis);
        return lines;
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
        LineBatch chunk = new LineBatch(1024);
        long lines = feed(s3, bucket, key, versionId, etag, start, end, run, split, nowMillis, chunk, 0);
        run.apply(split, chunk, nowMillis);
        run.finish(split, nowMillis);
        return lines;
    }

    /**
     * Feeds the lines of one object (or range) to the split, applying full chunks; the last, partial chunk stays in
     * {@code chunk}.
     *
     * @param linesBefore lines of the split before this object: its first line is line {@code linesBefore + 1}
     * @return {@code linesBefore} plus the lines read here
     */
    private static long feed(S3Client s3, String bucket, String key, String versionId, String etag, long start,
                             long end, PipelineRun run, String split, long nowMillis, LineBatch chunk,
                             long linesBefore) throws IOException {
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
        long lines = linesBefore;
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
