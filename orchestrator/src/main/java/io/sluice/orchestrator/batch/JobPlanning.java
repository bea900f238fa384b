package io.sluice.orchestrator.batch;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Manifest to plan: lists the objects, learns the sizes a CSV manifest does not give (HeadObject; a missing object
 * keeps size -1 and becomes one task that fails with its reason), and cuts large plain objects into ranges. Gzip is
 * recognised by its magic bytes, as the batch function does, and only for objects large enough to be cut.
 */
final class JobPlanning {

    private final S3Client s3;

    JobPlanning(S3Client s3) {
        this.s3 = s3;
    }

    List<BatchTask> plan(JobSpec spec) {
        List<ObjectRef> sized = new ArrayList<>();
        for (ObjectRef o : new ManifestReader(s3).read(spec.input())) {
            sized.add(o.size() >= 0 ? o : new ObjectRef(o.bucket(), o.key(), o.versionId(), sizeOf(o)));
        }
        return TaskPlanner.of(spec.maxTaskBytes()).plan(spec.jobId(), sized,
                o -> o.size() > spec.maxTaskBytes() && gzip(o));
    }

    private long sizeOf(ObjectRef o) {
        try {
            return s3.headObject(b -> b.bucket(o.bucket()).key(o.key()).versionId(o.versionId())).contentLength();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return -1; // the task reports it missing, with the batch function's reason
            }
            throw e;
        }
    }

    private boolean gzip(ObjectRef o) {
        try (InputStream head = s3.getObject(b -> b.bucket(o.bucket()).key(o.key()).versionId(o.versionId())
                .range("bytes=0-1"))) {
            return head.read() == 0x1F && head.read() == 0x8B;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the first bytes of " + o.uri(), e);
        }
    }
}
