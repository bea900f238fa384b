package io.sluice.state;

/**
 * A partial would exceed what the store can hold even as chunks (DynamoDB: a manifest of 8,192 pages in one 400 KB
 * head, about 250 MB of encoded entries per key bucket, split and window). Raise the pipeline's key buckets or
 * shrink the accumulator.
 */
public class ItemTooLargeException extends StateStoreException {

    public ItemTooLargeException(PartialKey key, int sizeBytes, int limitBytes) {
        super("Partial [" + key + "] is " + sizeBytes + " bytes, over the " + limitBytes
                + "-byte limit: raise the pipeline's key buckets or use a smaller accumulator");
    }
}
