package io.sluice.state.dynamodb;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.Fence;
import io.sluice.state.Partial;
import io.sluice.state.PartialKey;
import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import io.sluice.state.StateStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One hot key whose accumulator is larger than an item (1 MB under DynamoDB's 400 KB, on moto_server) and grows at
 * its end, as exact distinct values do: a batch that appends a few KB is billed by the slices it changed, a crash
 * before any of that write's calls leaves the old or the new version, and heads of the whole-page layout still read.
 */
@ExtendWith(LocalAwsExtension.class)
class LargeKeySlicesTest {

    private static final String STATE = "slices-state";
    private static final String COORDINATION = "slices-coordination";
    private static final Slot HOUR = new Slot(0, 3_600_000);
    private static final int WINDOW_BUCKETS = 3;
    private static DynamoDbClient dynamo;

    @BeforeAll
    static void createTables(LocalAws aws) {
        dynamo = aws.dynamoDb();
        StateTables.create(dynamo, STATE);
        StateTables.create(dynamo, COORDINATION);
    }

    @AfterAll
    static void closeClient() {
        dynamo.close();
    }

    /** DynamoDB's own item limit: 400 KB. */
    private static DynamoDbStateStore store(DynamoDbClient client) {
        return DynamoDbStateStore.builder().withClient(client).withStateTable(STATE)
                .withCoordinationTable(COORDINATION).withWindowBuckets(WINDOW_BUCKETS).build();
    }

    /**
     * An item between moto_server's 405,000 bytes and 400 KiB: DynamoDB documents "400 KB" and accepts up to about
     * 409 KB, moto refuses above 405,000, so the store writes one item only up to 400,000 bytes and chunks the rest
     * (distinct users of a hot category at 10M orders grew into this band, and moto refused the write).
     */
    @Test
    void aPartialBetween405000BytesAnd400KiB_isWritten_andReadsBack() {
        DynamoDbStateStore store = store(dynamo);
        PartialKey key = new PartialKey("band-" + UUID.randomUUID(), HOUR, "shard-0", 0);
        List<StateEntry> entries = List.of(new StateEntry("c-1", HOUR.start(), HOUR.end(), random(406_500, 7)));
        Partial partial = new Partial(key, Fence.of("1"), entries);

        store.writePartial(partial, Fence.NONE);

        Partial back = store.readPartial(key).orElseThrow();
        assertThat(back.fence()).isEqualTo(Fence.of("1"));
        assertThat(back.entries()).hasSize(1);
        assertThat(back.entries().get(0).accumulator()).isEqualTo(entries.get(0).accumulator());
    }

    private static byte[] random(int n, long seed) {
        byte[] bytes = new byte[n];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The hot key's accumulator after {@code appends} appends of 3 KB to 1 MB: incompressible, as stored ids. */
    private static List<StateEntry> hot(int appends) {
        return hot(1 << 20, appends);
    }

    private static List<StateEntry> hot(int bytes, int appends) {
        byte[] acc = random(bytes, 1);
        for (int i = 1; i <= appends; i++) {
            byte[] more = random(3_000, 100 + i);
            int from = acc.length;
            acc = Arrays.copyOf(acc, from + more.length);
            System.arraycopy(more, 0, acc, from, more.length);
        }
        return List.of(new StateEntry("c-1", 0, 3_600_000, acc));
    }

    /** Chunk items stored for {@code pipeline}, referenced or not. */
    private static Set<String> chunkItems(String pipeline) {
        return StoredChunks.stored(dynamo, STATE, pipeline);
    }

    /** The sort keys of the chunks the stored head names. */
    private static Set<String> chunksNamed(PartialKey key) {
        return StoredChunks.named(dynamo, STATE, key, WINDOW_BUCKETS);
    }

    private static void assertHolds(Partial actual, Fence fence, List<StateEntry> entries) {
        assertThat(actual.fence()).isEqualTo(fence);
        assertThat(actual.entries()).hasSameSizeAs(entries);
        for (int i = 0; i < entries.size(); i++) {
            assertThat(actual.entries().get(i).key()).isEqualTo(entries.get(i).key());
            assertThat(Arrays.equals(actual.entries().get(i).accumulator(), entries.get(i).accumulator()))
                    .as("accumulator of %s, %d bytes", entries.get(i).key(), entries.get(i).accumulator().length)
                    .isTrue();
        }
    }

    @Test
    void anAppendOfAFewKbToA1MbKey_writesTheChangedSlicesAndTheHead_notTheKey() {
        String pipeline = "p-" + UUID.randomUUID();
        PartialKey key = new PartialKey(pipeline, HOUR, "shardId-000000000000", 0);
        DynamoDbStateStore store = store(dynamo);
        store.writePartial(new Partial(key, Fence.of("1"), hot(0)), Fence.NONE);
        Set<String> before = chunksNamed(key);
        CapacityUsage used0 = store.capacity();

        store.writePartial(new Partial(key, Fence.of("2"), hot(1)), Fence.of("1"));

        CapacityUsage used = store.capacity().minus(used0);
        Set<String> added = new HashSet<>(chunksNamed(key));
        added.removeAll(before);
        // before slices: the key's page was rewritten whole, 3 chunks of ~375 KB: 4 PutItem, 3 DeleteItem, 2,157 units
        assertThat(added).as("new chunks: the slices that changed").hasSizeBetween(1, 3);
        assertThat(used.calls()).containsEntry("PutItem", 1L).containsEntry("BatchWriteItem", 1L)
                .as("replaced slices are left to TTL, unread").doesNotContainKey("DeleteItem");
        assertThat(used.estimatedWriteUnits()).as("write units, head included").isLessThan(30);
        assertHolds(store(dynamo).readPartial(key).orElseThrow(), Fence.of("2"), hot(1));
        assertHolds(store(dynamo).readSlot(pipeline, HOUR).get(0), Fence.of("2"), hot(1));
        assertThat(chunksNamed(key)).hasSizeGreaterThan(150);
        assertThat(chunkItems(pipeline)).isEqualTo(StoredChunks.union(before, chunksNamed(key)));
    }

    @Test
    void aCrashBeforeAnyWriteOfAnAppend_leavesTheOldOrTheNewVersion_andARetryCompletesIt() {
        String pipeline = "p-" + UUID.randomUUID();
        PartialKey key = new PartialKey(pipeline, HOUR, "shardId-000000000001", 2);
        store(dynamo).writePartial(new Partial(key, Fence.of("0"), hot(0)), Fence.NONE);
        // one append per crash point k: each write dies before its k-th call, until k passes its last call
        int crashes = 0;
        int oldVisible = 0;
        for (int k = 0; ; k++) {
            Fence old = Fence.of(Integer.toString(k));
            Fence next = Fence.of(Integer.toString(k + 1));
            CrashingDynamoClient dying = new CrashingDynamoClient(dynamo).crashAfter(k);
            DynamoDbStateStore instance = store(dying.client());
            instance.readPartial(key);  // a warm instance: it knows the head it replaces

            try {
                instance.writePartial(new Partial(key, next, hot(k + 1)), old);
            } catch (RuntimeException crash) {
                assertThat(dying.dead()).as("only the injected crash fails a write (k=%d)", k).isTrue();
            }
            if (!dying.dead()) {
                break;   // k is past the last write: every crash point was tried
            }
            crashes++;
            Partial visible = store(dynamo).readPartial(key).orElseThrow();
            if (visible.fence().equals(old)) {
                oldVisible++;
                assertHolds(visible, old, hot(k));
                store(dynamo).writePartial(new Partial(key, next, hot(k + 1)), old); // the retry, a cold instance
            } else {
                assertHolds(visible, next, hot(k + 1));   // crashed after the head flipped: deletes only
            }
            assertHolds(store(dynamo).readSlot(pipeline, HOUR).get(0), next, hot(k + 1));
        }
        assertThat(crashes).as("crash points tried: the chunk batch and the head").isGreaterThanOrEqualTo(2);
        assertThat(oldVisible).as("the head is a write's last call: every crash leaves the old version")
                .isEqualTo(crashes);
    }

    @Test
    void aHeadOfTheWholePageLayout_readsBack_andTheNextWriteReplacesItsChunks() {
        String pipeline = "p-" + UUID.randomUUID();
        PartialKey key = new PartialKey(pipeline, HOUR, "shardId-000000000002", 1);
        List<StateEntry> stored = new ArrayList<>(hot(0));
        stored.add(new StateEntry("c-2", 0, 3_600_000, random(300, 7)));
        long version = 0x0123_4567_89AB_CDEFL;
        writeWholePageHead(key, stored, 2, version, Fence.of("5"));

        assertHolds(store(dynamo).readPartial(key).orElseThrow(), Fence.of("5"), sortedByPage(stored, 2));
        assertHolds(store(dynamo).readSlot(pipeline, HOUR).get(0), Fence.of("5"), sortedByPage(stored, 2));

        List<StateEntry> next = new ArrayList<>(hot(1));
        next.add(stored.get(1));
        store(dynamo).writePartial(new Partial(key, Fence.of("6"), next), Fence.of("5"));

        assertHolds(store(dynamo).readPartial(key).orElseThrow(), Fence.of("6"), sortedByPage(next, 2));
        assertThat(chunkItems(pipeline)).as("the whole-page chunks are gone").isEqualTo(chunksNamed(key));
    }

    @Test
    void aCrashAtEveryCallOfTheWriteThatReplacesAWholePageHead_leavesTheOldOrTheNewVersion() {
        List<StateEntry> old = new ArrayList<>(hot(450_000, 0));   // two whole-page chunks in its page
        old.add(new StateEntry("c-2", 0, 3_600_000, random(300, 8)));
        List<StateEntry> next = new ArrayList<>(hot(450_000, 1));
        next.add(old.get(1));
        int crashes = 0;
        int afterHead = 0;
        for (int k = 0; ; k++) {
            String pipeline = "p-" + UUID.randomUUID();
            PartialKey key = new PartialKey(pipeline, HOUR, "shardId-000000000003", 0);
            writeWholePageHead(key, old, 2, 0x0BAD_CAFEL + k, Fence.of("5"));
            CrashingDynamoClient dying = new CrashingDynamoClient(dynamo).crashAfter(k);
            try {
                store(dying.client()).writePartial(new Partial(key, Fence.of("6"), next), Fence.of("5"));
            } catch (RuntimeException crash) {
                assertThat(dying.dead()).as("only the injected crash fails a write (k=%d)", k).isTrue();
            }
            if (!dying.dead()) {
                break;
            }
            crashes++;
            Partial visible = store(dynamo).readPartial(key).orElseThrow();
            if (visible.fence().equals(Fence.of("5"))) {
                assertHolds(visible, Fence.of("5"), sortedByPage(old, 2));
                store(dynamo).writePartial(new Partial(key, Fence.of("6"), next), Fence.of("5"));
            } else {
                afterHead++;   // the head flipped; the whole-page chunks it no longer names are deleted after it
                assertHolds(visible, Fence.of("6"), sortedByPage(next, 2));
            }
            assertHolds(store(dynamo).readSlot(pipeline, HOUR).get(0), Fence.of("6"), sortedByPage(next, 2));
        }
        assertThat(crashes - afterHead).as("crashes before the head").isGreaterThanOrEqualTo(2);
        assertThat(afterHead).as("crashes among the deletes of whole-page chunks").isGreaterThanOrEqualTo(2);
    }

    private static List<StateEntry> sortedByPage(List<StateEntry> entries, int pages) {
        List<StateEntry> sorted = new ArrayList<>();
        ChunkedPartials.byPage(entries, pages).forEach(sorted::addAll);
        return sorted;
    }

    /** A head and chunks exactly as builds before slices wrote them: each page deflated whole, cut at fixed sizes. */
    private static void writeWholePageHead(PartialKey key, List<StateEntry> entries, int pages, long version,
                                           Fence fence) {
        String headSk = Keys.partialSk(key);
        int sliceBytes = ChunkedPartials.sliceBytes(StateStore.ITEM_LIMIT_BYTES);
        List<WholePageManifests.Page> refs = new ArrayList<>();
        List<List<StateEntry>> byPage = ChunkedPartials.byPage(entries, pages);
        for (int page = 0; page < pages; page++) {
            byte[] bytes = PartialCodec.encode(key.slot(), byPage.get(page));
            int slices = 0;
            for (int from = 0; from < bytes.length || from == 0; from += sliceBytes) {
                Map<String, AttributeValue> item = new HashMap<>(Coordination.key(
                        Keys.partialPk(key.pipeline(), key.slot(), Keys.windowBucket(
                                ChunkedPartials.chunkShardName(key.split(), page), key.bucket(), WINDOW_BUCKETS)),
                        ChunkedPartials.chunkSk(headSk, page, slices++, version)));
                item.put(StateTables.ENTRIES, AttributeValue.fromB(SdkBytes.fromByteArray(
                        Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + sliceBytes)))));
                item.put(StateTables.TTL, Coordination.n(4_000_000_000L));
                dynamo.putItem(b -> b.tableName(STATE).item(item));
            }
            refs.add(new WholePageManifests.Page(version, slices, ChunkedPartials.digest(bytes),
                    System.currentTimeMillis() / 1000));
        }
        Map<String, AttributeValue> head = new HashMap<>(Coordination.key(Keys.partialPk(key, WINDOW_BUCKETS), headSk));
        head.put(StateTables.FENCE, Coordination.s(fence.encoded()));
        head.put(StateTables.MANIFEST, AttributeValue.fromB(SdkBytes.fromByteArray(WholePageManifests.encode(refs))));
        head.put(StateTables.TTL, Coordination.n(4_000_000_000L));
        dynamo.putItem(b -> b.tableName(STATE).item(head));
    }
}
