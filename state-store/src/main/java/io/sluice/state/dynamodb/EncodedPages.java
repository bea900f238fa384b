package io.sluice.state.dynamodb;

import io.sluice.state.PartialEntries;
import io.sluice.state.PartialKey;
import io.sluice.state.StateEntry;
import io.sluice.state.dynamodb.ChunkedPartials.Page;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pages of chunked partials as this store last encoded them, so that writing a partial again encodes (and
 * digests) only the pages whose entries changed: encoding every page on every batch made a batch's CPU follow the
 * partial's size, not the batch's (issue 18).
 *
 * <p>A CPU cache and nothing else: a page's bytes are a pure function of the slot, the page count and the page's
 * entries in order, and entries are immutable, so a page none of whose groups of entries changed (by identity:
 * {@link PartialEntries#forEachGroupChangedSince}) and that gained or lost none since its last encoding under the same
 * page count has the same bytes. Finding those pages follows the groups that changed, not the partial's entries. Which chunks are written is still decided by
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

    /**
     * A partial's pages as last encoded: the entries encoded, per page the indices of the groups with entries on it
     * (ascending) and its bytes.
     */
    record Encoded(PartialEntries source, List<int[]> groupsByPage, List<Page> pages, long bytes) {
    }

    private final AtomicLong pagesEncoded = new AtomicLong();
    private final BytesBoundedCache<PartialKey, Encoded> byKey;

    EncodedPages() {
        this(MAX_CACHED_BYTES);
    }

    EncodedPages(long maxBytes) {
        this.byKey = new BytesBoundedCache<>(maxBytes, Encoded::bytes);
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

    /**
     * The pages of {@code entries} over {@code pages} pages; unchanged pages are reused (see the class docs). The pages
     * to encode again are found from the groups that changed since the last encoding
     * ({@link PartialEntries#forEachGroupChangedSince}), not by walking every entry: for entries a writer derived from
     * the last ones this costs O(changed groups + the changed pages' entries), whatever the partial's size.
     */
    List<Page> encode(PartialKey key, List<StateEntry> entries, int pages) {
        PartialEntries now = PartialEntries.copyOf(entries);
        Encoded last = get(key);
        boolean sameLayout = last != null && last.pages().size() == pages;
        // Per touched page, its group indices after the change; untouched pages keep theirs, and their bytes.
        Map<Integer, TreeSet<Integer>> touched = new HashMap<>();
        now.forEachGroupChangedSince(sameLayout ? last.source() : PartialEntries.EMPTY, (index, before, after) -> {
            for (StateEntry e : before) {
                groupsOf(touched, sameLayout ? last : null, ChunkedPartials.pageOf(e.key(), pages)).remove(index);
            }
            for (StateEntry e : after) {
                groupsOf(touched, sameLayout ? last : null, ChunkedPartials.pageOf(e.key(), pages)).add(index);
            }
        });
        List<int[]> groupsByPage = new ArrayList<>(pages);
        List<Page> encoded = new ArrayList<>(pages);
        long bytes = 0;
        for (int i = 0; i < pages; i++) {
            TreeSet<Integer> groups = touched.get(i);
            Page page;
            if (groups == null && sameLayout) {
                page = last.pages().get(i);
                groupsByPage.add(last.groupsByPage().get(i));
            } else {
                int[] indices = groups == null ? new int[0] : groups.stream().mapToInt(Integer::intValue).toArray();
                page = ChunkedPartials.page(key.slot(), i, entriesOfPage(now, indices, i, pages));
                pagesEncoded.incrementAndGet();
                groupsByPage.add(indices);
            }
            encoded.add(page);
            bytes += page.bytes().length;
        }
        List<Page> result = Collections.unmodifiableList(encoded);
        // The group indices cost about 4 bytes an entry: counted with the pages against the bound.
        put(key, new Encoded(now, Collections.unmodifiableList(groupsByPage), result, bytes + 4L * now.size()));
        return result;
    }

    /** The group indices of page {@code page}, as last encoded, copied once for changing. */
    private static TreeSet<Integer> groupsOf(Map<Integer, TreeSet<Integer>> touched, Encoded last, int page) {
        return touched.computeIfAbsent(page, p -> {
            TreeSet<Integer> groups = new TreeSet<>();
            if (last != null) {
                for (int g : last.groupsByPage().get(p)) {
                    groups.add(g);
                }
            }
            return groups;
        });
    }

    /** The entries of page {@code page} in their order in the partial: group by group, those whose key is on it. */
    private static List<StateEntry> entriesOfPage(PartialEntries entries, int[] groups, int page, int pages) {
        List<StateEntry> onPage = new ArrayList<>();
        for (int g : groups) {
            for (StateEntry e : entries.group(g)) {
                if (ChunkedPartials.pageOf(e.key(), pages) == page) {
                    onPage.add(e);
                }
            }
        }
        return onPage;
    }

    /** Forgets {@code key}: its partial is no longer chunked. */
    void forget(PartialKey key) {
        byKey.remove(key);
    }

    private Encoded get(PartialKey key) {
        return byKey.get(key);
    }

    private void put(PartialKey key, Encoded value) {
        byKey.put(key, value);
    }
}
