package io.sluice.state.dynamodb;

import io.sluice.state.PartialEntries;
import io.sluice.state.PartialKey;
import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import io.sluice.state.dynamodb.ChunkedPartials.Page;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link EncodedPages} re-encodes only the pages whose entries are not the same objects as at its last encoding, and
 * what it returns is always what {@link ChunkedPartials#pages} would encode from scratch.
 */
class EncodedPagesTest {

    private static final Slot HOUR = new Slot(0, 3_600_000);
    private static final PartialKey KEY = new PartialKey("p", HOUR, "shardId-000000000000", 3);

    private static List<StateEntry> entries(int n, long seed) {
        Random random = new Random(seed);
        List<StateEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] acc = new byte[20];
            random.nextBytes(acc);
            entries.add(new StateEntry("u-" + i, 0, 3_600_000, acc));
        }
        return entries;
    }

    private static void assertSameBytesAsFromScratch(List<Page> pages, List<StateEntry> entries) {
        List<Page> scratch = ChunkedPartials.pages(HOUR, entries, pages.size());
        for (int i = 0; i < pages.size(); i++) {
            assertThat(pages.get(i).bytes()).isEqualTo(scratch.get(i).bytes());
            assertThat(pages.get(i).digest()).isEqualTo(scratch.get(i).digest());
        }
    }

    @Test
    void encodingAgain_reencodesOnlyThePagesOfChangedOrNewEntries() {
        EncodedPages cache = new EncodedPages();
        List<StateEntry> v1 = entries(1_000, 1);
        List<Page> first = cache.encode(KEY, v1, 16);
        assertThat(cache.pagesEncoded()).isEqualTo(16);

        List<StateEntry> v2 = new ArrayList<>(v1);
        v2.set(17, new StateEntry("u-17", 0, 3_600_000, new byte[] {1, 2, 3}));
        v2.add(new StateEntry("u-new", 0, 3_600_000, new byte[] {4}));
        List<Page> second = cache.again(KEY, v2);

        int changed = ChunkedPartials.pageOf("u-17", 16);
        int added = ChunkedPartials.pageOf("u-new", 16);
        assertThat(cache.pagesEncoded() - 16).isEqualTo(changed == added ? 1 : 2);
        for (int i = 0; i < 16; i++) {
            if (i != changed && i != added) {
                assertThat(second.get(i)).as("page %d is unchanged: reused", i).isSameAs(first.get(i));
            }
        }
        assertSameBytesAsFromScratch(second, v2);
    }

    @Test
    void equalEntriesThatAreNewObjects_orAnotherPageCount_areEncodedAgain_toTheSameBytesAsFromScratch() {
        EncodedPages cache = new EncodedPages();
        cache.encode(KEY, entries(500, 2), 8);

        List<Page> copies = cache.again(KEY, entries(500, 2));   // equal, not the same objects: no shortcut taken
        assertThat(cache.pagesEncoded()).isEqualTo(16);
        assertSameBytesAsFromScratch(copies, entries(500, 2));

        List<Page> more = cache.encode(KEY, entries(500, 2), 16);
        assertThat(cache.pagesEncoded()).isEqualTo(32);
        assertSameBytesAsFromScratch(more, entries(500, 2));
    }

    @Test
    void aForgottenOrEvictedPartial_hasNoCachedPages() {
        EncodedPages cache = new EncodedPages(10_000);
        List<StateEntry> big = entries(1_000, 3);   // about 26 KB of pages: over the bound, not kept
        cache.encode(KEY, big, 4);
        assertThat(cache.again(KEY, big)).isNull();

        List<StateEntry> small = entries(50, 4);
        cache.encode(KEY, small, 2);
        assertThat(cache.again(KEY, small)).isNotNull();
        cache.forget(KEY);
        assertThat(cache.again(KEY, small)).isNull();
    }

    /**
     * A writer's next version of a 100,000-entry partial with one key changed and one added costs those keys' pages:
     * finding them follows the changed groups, not every entry. Before, each write sorted all 100,000 entries into
     * pages and compared them by identity.
     */
    @Test
    void aDerivedVersionWithOneChangedKey_ofAHundredThousand_touchesItsPages_notEveryEntry() {
        EncodedPages cache = new EncodedPages();
        List<StateEntry[]> groups = new ArrayList<>();
        for (StateEntry e : entries(100_000, 5)) {
            groups.add(new StateEntry[] {e});
        }
        PartialEntries v1 = PartialEntries.ofGroups(groups);
        int pages = 1024;   // about 100 entries a page
        List<Page> previous = cache.encode(KEY, v1, pages);
        PartialEntries next = v1;
        for (int warm = 0; warm < 300; warm++) {   // the JIT first, so the interpreter's allocations do not count
            next = next.withGroup(warm, new StateEntry[] {new StateEntry("u-" + warm, 0, 3_600_000, new byte[] {1})});
            previous = cache.encode(KEY, next, pages);
        }
        long encodedBefore = cache.pagesEncoded();
        PartialEntries v2 = next.withGroup(17, new StateEntry[] {new StateEntry("u-17", 0, 3_600_000, new byte[9])})
                .withGroupAppended(new StateEntry[] {new StateEntry("u-new", 0, 3_600_000, new byte[] {4})});

        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        List<Page> second = cache.encode(KEY, v2, pages);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        int changed = ChunkedPartials.pageOf("u-17", pages);
        int added = ChunkedPartials.pageOf("u-new", pages);
        assertThat(cache.pagesEncoded() - encodedBefore).isEqualTo(changed == added ? 1 : 2);
        // Two pages encoded and the page lists (O(pages), 1,024 here): about 100 KB. Sorting every entry into pages
        // allocated about 1.7 MB here.
        assertThat(allocated).as("bytes allocated to page one changed and one added key of 100,000")
                .isLessThan(256 * 1024);
        for (int i = 0; i < pages; i++) {
            if (i != changed && i != added) {
                assertThat(second.get(i)).as("page %d is unchanged: reused", i).isSameAs(previous.get(i));
            }
        }
        assertSameBytesAsFromScratch(second, new ArrayList<>(v2));
    }

    @Test
    void versionsWithHolesAndReaddedKeys_encodeToTheBytesOfAFullEncoding() {
        EncodedPages cache = new EncodedPages();
        Random random = new Random(7);
        List<StateEntry[]> groups = new ArrayList<>();
        for (StateEntry e : entries(2_000, 6)) {
            groups.add(new StateEntry[] {e});
        }
        PartialEntries v = PartialEntries.ofGroups(groups);
        cache.encode(KEY, v, 32);
        for (int step = 0; step < 120; step++) {
            int g = random.nextInt(v.groups());
            int op = random.nextInt(4);
            if (op == 0) {
                v = v.withGroup(g, null);                                   // a key's cells are gone
            } else if (op == 1) {
                v = v.withGroupAppended(new StateEntry[] {                  // a new key, or one coming back
                        new StateEntry("u-" + random.nextInt(4_000), 0, 3_600_000, new byte[] {(byte) step})});
            } else if (op == 2) {
                v = v.withGroup(g, new StateEntry[] {                       // a key with two sessions
                        new StateEntry("s-" + g, 0, 60_000, new byte[] {1}),
                        new StateEntry("s-" + g, 120_000, 180_000, new byte[] {2})});
            } else if (step % 50 == 0) {
                v = v.compacted();                                          // indices move: a full comparison
            }
            List<Page> pages = step % 3 == 0 ? cache.again(KEY, v) : cache.encode(KEY, v, 32);
            assertSameBytesAsFromScratch(pages, new ArrayList<>(v));
        }
    }
}
