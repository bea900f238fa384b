package io.sluice.functions.local;

/** Told of progress from time to time (about every 64K records); must be cheap and thread-safe. */
@FunctionalInterface
public interface ProgressListener {

    /** No-op listener. */
    ProgressListener NONE = (records, bytes) -> { };

    /**
     * @param records records read so far
     * @param bytes   input bytes read so far (of the stored, possibly compressed, file where known)
     */
    void progress(long records, long bytes);
}
