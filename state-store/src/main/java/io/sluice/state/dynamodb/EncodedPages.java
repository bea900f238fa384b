package io.sluice.state.dynamodb;

import io.sluice.state.PartialKey;
import io.sluice.state.StateEntry;
import io.sluice.state.dynamodb.ChunkedPartials.Page;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pages of chunked partials as this store last encoded them, so that writing a partial again encodes (and
 * digests) only the pages whose entries changed: encoding every page on every batch made a batch's CPU follow the
 * partial's size, not the batch's (issue 18).
 *
 * <p>A CPU cache and nothing else: a page's bytes are a pure function of the slot, the page count and the page's
 * entries in order, and entries are immutable, so a page whose entries are <em>the same objects in the same order</em>
 * as at its last encoding under the same page count has the same bytes. Which chunks are written is still decided by
 * the digests against the head's manifest ({@link ChunkedItems}), and whether they become visible by the head's fence
 * condition; nothing here can make a stale page visible. Writers that hand over unchanged entries as the same objects
 * (the runtime's {@code PartialWriter} does) get the saving; any other caller just pays a full encoding.
 *
 * <p>Bounded: at most {@link #MAX_CACHED_BYTES} of encoded pages over all partials, least recently written evicted
 * first (an evicted partial is encoded whole at its next write, as before). Thread-safe; each value is immutable.
 */
final class EncodedPages {

    /** Encoded page bytes kept over all partials: a fraction of a Lambda function's memory. */
    static final long MAX_CACHED_BYTES = 64L * 1024 * 1024;

    /** A partial's pages as last encoded: per page its entries (the objects encoded) and its bytes. */
    record Encoded(List<StateEntry[]> entries, List<Page> pages, long bytes) {
    }

    private final long maxBytes;
    private long cachedBytes;
    private final AtomicLong pagesEncoded = new AtomicLong();
    private final Map<PartialKey, Encoded> byKey = new LinkedHashMap<>(64, 0.75f, true);

    EncodedPages() {
        this(MAX_CACHED_BYTES);
    }

    EncodedPages(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Pages encoded so far (unchanged pages taken from the cache are not counted), for tests and benchmarks. */
    long pagesEncoded() {
        return pagesEncoded.get();
    }

    /**
     * The pages of {@code entries} at the page count last used for {@code key}, or {@code null} if none is cached:
     * the store then encodes the partial whole, as for a partial it has not written as chunks.
     */
    List<Page> again(PartialKey key, List<StateEntry> entries) {
        Encoded last = get(key);
        return last == null ? null : encode(key, entries, last.pages().size());
    }

    /** The pages of {@code entries} over {@code pages} pages; unchanged pages are reused (see the class docs). */
    List<Page> encode(PartialKey key, List<StateEntry> entries, int pages) {
        Encoded last = get(key);
        List<List<StateEntry>> byPage = ChunkedPartials.byPage(entries, pages);
        List<StateEntry[]> pageEntries = new ArrayList<>(pages);
        List<Page> encoded = new ArrayList<>(pages);
        long bytes = 0;
        for (int i = 0; i < pages; i++) {
            StateEntry[] now = byPage.get(i).toArray(new StateEntry[0]);
            Page page;
            if (last != null && last.pages().size() == pages && sameObjects(last.entries().get(i), now)) {
                page = last.pages().get(i);
            } else {
                page = ChunkedPartials.page(key.slot(), i, byPage.get(i));
                pagesEncoded.incrementAndGet();
            }
            pageEntries.add(now);
            encoded.add(page);
            bytes += page.bytes().length;
        }
        List<Page> result = Collections.unmodifiableList(encoded);
        put(key, new Encoded(Collections.unmodifiableList(pageEntries), result, bytes));
        return result;
    }

    /** Forgets {@code key}: its partial is no longer chunked. */
    synchronized void forget(PartialKey key) {
        Encoded gone = byKey.remove(key);
        if (gone != null) {
            cachedBytes -= gone.bytes();
        }
    }

    private static boolean sameObjects(StateEntry[] a, StateEntry[] b) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    private synchronized Encoded get(PartialKey key) {
        return byKey.get(key);
    }

    private synchronized void put(PartialKey key, Encoded value) {
        Encoded replaced = byKey.put(key, value);
        cachedBytes += value.bytes() - (replaced == null ? 0 : replaced.bytes());
        var it = byKey.values().iterator();
        while (cachedBytes > maxBytes && it.hasNext()) {
            cachedBytes -= it.next().bytes();
            it.remove();
        }
    }
}
