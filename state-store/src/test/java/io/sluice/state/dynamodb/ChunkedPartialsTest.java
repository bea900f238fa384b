package io.sluice.state.dynamodb;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import io.sluice.state.Fence;
import io.sluice.state.FenceConflictException;
import io.sluice.state.Partial;
import io.sluice.state.PartialKey;
import io.sluice.state.Slot;
import io.sluice.state.StateEntry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Partials over one item on DynamoDB (moto_server), with a 4 KB item limit so a few KB of entries already chunk:
 * what a batch is billed, what a crash between chunk writes leaves visible, and what a losing writer leaves behind.
 */
@ExtendWith(LocalAwsExtension.class)
class ChunkedPartialsTest {

    private static final String STATE = "chunked-state";
    private static final String COORDINATION = "chunked-coordination";
    private static final Slot MINUTE = new Slot(0, 60_000);
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

    private static DynamoDbStateStore store(DynamoDbClient client) {
        return DynamoDbStateStore.builder().withClient(client).withStateTable(STATE)
                .withCoordinationTable(COORDINATION).withWindowBuckets(3).withItemLimit(4096).build();
    }

    /** Pages on every write, as a compaction of the log writes them ({@code LoggedPartialsTest} has the log). */
    private static DynamoDbStateStore pagesOnly(DynamoDbClient client) {
        return DynamoDbStateStore.builder().withClient(client).withStateTable(STATE)
                .withCoordinationTable(COORDINATION).withWindowBuckets(3).withItemLimit(4096).withLog(false).build();
    }

    /** {@code n} keys with incompressible 60-byte accumulators (about 80 bytes each encoded). */
    private static List<StateEntry> entries(int n, long seed) {
        Random random = new Random(seed);
        List<StateEntry> entries = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] acc = new byte[60];
            random.nextBytes(acc);
            entries.add(new StateEntry("u-" + i, 0, 60_000, acc));
        }
        return entries;
    }

    private static List<StateEntry> withChanged(List<StateEntry> entries, int index, long seed) {
        List<StateEntry> changed = new ArrayList<>(entries);
        byte[] acc = new byte[70];
        new Random(seed).nextBytes(acc);
        changed.set(index, new StateEntry(entries.get(index).key(), 0, 60_000, acc));
        return changed;
    }

    /** Chunk items stored for {@code pipeline}, referenced or not. */
    private static Set<String> chunkItems(String pipeline) {
        return StoredChunks.stored(dynamo, STATE, pipeline);
    }

    private static Set<String> chunksNamed(PartialKey key) {
        return StoredChunks.named(dynamo, STATE, key, 3);
    }

    private static void assertHolds(Partial actual, Fence fence, List<StateEntry> entries) {
        assertThat(actual.fence()).isEqualTo(fence);
        assertThat(actual.entries()).containsExactlyInAnyOrderElementsOf(entries);
    }

    @Test
    void writePartial_writesOnlyTheChangedPage_andDeletesItsOldChunk_whenOneKeyChanges() {
        String pipeline = "p-" + UUID.randomUUID();
        PartialKey key = new PartialKey(pipeline, MINUTE, "shard-0", 0);
        List<StateEntry> v1 = entries(200, 1);
        DynamoDbStateStore store = pagesOnly(dynamo);
        store.writePartial(new Partial(key, Fence.of("1"), v1), Fence.NONE);
        Set<String> named1 = chunksNamed(key);
        CapacityUsage before = store.capacity();

        List<StateEntry> v2 = withChanged(v1, 17, 2);
        store.writePartial(new Partial(key, Fence.of("2"), v2), Fence.of("1"));

        Map<String, Long> calls = store.capacity().minus(before).calls();
        assertThat(store.pagesEncoded()).as("16 pages at the first write, the changed one at the second")
                .isEqualTo(17);
        assertThat(calls).as("the head, and one page's changed slice in one batch")
                .containsEntry("PutItem", 1L).containsEntry("BatchWriteItem", 1L);
        assertThat(calls).as("the replaced slice is left to TTL, unread").doesNotContainKey("DeleteItem");
        assertThat(calls).doesNotContainKey("GetItem");  // the head it replaces was cached
        assertHolds(store(dynamo).readPartial(key).orElseThrow(), Fence.of("2"), v2);
        Set<String> named2 = chunksNamed(key);
        assertThat(named2).hasSizeGreaterThan(8);
        assertThat(StoredChunks.union(named1, named2)).as("named, and the one replaced")
                .hasSize(named2.size() + 1).isEqualTo(chunkItems(pipeline));
    }

    @Test
    void aCrashAtEveryWriteOfAChunkedWrite_leavesTheOldOrTheNewVersion_andARetryCompletesIt() {
        List<StateEntry> v1 = entries(60, 3);
        List<StateEntry> v2 = new ArrayList<>(withChanged(withChanged(v1, 5, 4), 40, 5));
        v2.addAll(entries(400, 6).subList(60, 400));  // grows: more pages, every slice new, in 25-chunk batches
        int crashes = 0;
        for (int k = 0; ; k++) {
            String pipeline = "p-" + UUID.randomUUID();
            PartialKey key = new PartialKey(pipeline, MINUTE, "shardId-000000000001", 2);
            store(dynamo).writePartial(new Partial(key, Fence.of("10"), v1), Fence.NONE);
            CrashingDynamoClient dying = new CrashingDynamoClient(dynamo).crashAfter(k);
            DynamoDbStateStore instance = store(dying.client());
            instance.readPartial(key);  // a warm instance: it knows the head it replaces

            try {
                instance.writePartial(new Partial(key, Fence.of("20"), v2), Fence.of("10"));
            } catch (RuntimeException crash) {
                assertThat(dying.dead()).as("only the injected crash fails a write (k=%d)", k).isTrue();
            }
            if (!dying.dead()) {
                break;   // k is past the last write: every crash point was tried
            }
            crashes++;
            Partial visible = store(dynamo).readPartial(key).orElseThrow();
            if (visible.fence().equals(Fence.of("10"))) {
                assertHolds(visible, Fence.of("10"), v1);
                store(dynamo).writePartial(new Partial(key, Fence.of("20"), v2), Fence.of("10")); // the retry
            } else {
                assertHolds(visible, Fence.of("20"), v2);   // crashed after the head flipped: deletes only
            }
            assertHolds(store(dynamo).readPartial(key).orElseThrow(), Fence.of("20"), v2);
            assertHolds(store(dynamo).readSlot(pipeline, MINUTE).get(0), Fence.of("20"), v2);
        }
        assertThat(crashes).as("crash points tried: each chunk batch and the head").isGreaterThanOrEqualTo(3);
    }

    @Test
    void racingWriters_onOneFence_leaveTheWinnersVersion_andNoChunkOfTheLoser() {
        String pipeline = "p-" + UUID.randomUUID();
        PartialKey key = new PartialKey(pipeline, MINUTE, "shard-0", 1);
        List<StateEntry> v1 = entries(80, 7);
        store(dynamo).writePartial(new Partial(key, Fence.of("1"), v1), Fence.NONE);
        Set<String> named1 = chunksNamed(key);
        DynamoDbStateStore zombie = store(dynamo);
        DynamoDbStateStore current = store(dynamo);
        zombie.readPartial(key);
        current.readPartial(key);

        List<StateEntry> winner = withChanged(v1, 3, 8);
        current.writePartial(new Partial(key, Fence.of("2"), winner), Fence.of("1"));
        assertThatThrownBy(() -> zombie.writePartial(new Partial(key, Fence.of("2"), withChanged(v1, 50, 9)),
                Fence.of("1"))).isInstanceOf(FenceConflictException.class);

        assertHolds(store(dynamo).readPartial(key).orElseThrow(), Fence.of("2"), winner);
        assertThat(chunkItems(pipeline)).as("no chunk of the loser").isEqualTo(StoredChunks.union(named1,
                chunksNamed(key)));
    }

    @Test
    void aPartialThatShrinksBackIntoOneItem_dropsItsChunks() {
        String pipeline = "p-" + UUID.randomUUID();
        PartialKey key = new PartialKey(pipeline, MINUTE, "shard-0", 0);
        DynamoDbStateStore store = store(dynamo);
        store.writePartial(new Partial(key, Fence.of("1"), entries(100, 10)), Fence.NONE);
        List<StateEntry> small = entries(3, 11);

        store.writePartial(new Partial(key, Fence.of("2"), small), Fence.of("1"));

        assertHolds(store(dynamo).readPartial(key).orElseThrow(), Fence.of("2"), small);
        assertThat(chunkItems(pipeline)).isEmpty();
    }
}
