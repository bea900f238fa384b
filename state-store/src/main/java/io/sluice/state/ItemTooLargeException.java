package io.sluice.state;

/**
 * A partial would exceed what the store can hold in one item (DynamoDB: 400 KB). Raise the pipeline's bucket
 * count or shrink the accumulator.
 */
public class ItemTooLargeException extends StateStoreException {

    public ItemTooLargeException(PartialKey key, int sizeBytes, int limitBytes) {
        super("Partial [" + key + "] is " + sizeBytes + " bytes, over the " + limitBytes
                + "-byte item limit: raise the pipeline's key buckets or use a smaller accumulator");
    }
}
