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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Chunked partials written as a log of deltas, on moto_server: a batch that changes few of a partial's keys is billed
 * by those keys and the head, the log is compacted into pages before it outgrows them, and a crash, a lost race or a
 * new instance at any point leaves exactly one written version visible.
 */
@ExtendWith(LocalAwsExtension.class)
class LoggedPartialsTest {

    private static final String STATE = "logged-state";
    private static final String COORDINATION = "logged-coordination";
    private static final Slot PANE = new Slot(0, 7_200_000);
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

    /** 4 KB items, so a few hundred sessions chunk, and logged from there. */
    private static DynamoDbStateStore store(DynamoDbClient client) {
        return store(client, Clock.systemUTC());
    }

    private static DynamoDbStateStore store(DynamoDbClient client, Clock clock) {
        return DynamoDbStateStore.builder().withClient(client).withStateTable(STATE)
                .withCoordinationTable(COORDINATION).withWindowBuckets(WINDOW_BUCKETS).withItemLimit(4096)
                .withClock(clock).build();
    }

    private static PartialKey key(String pipeline) {
        return new PartialKey(pipeline, PANE, "shardId-000000000001", 1);
    }

    private static ChunkManifest manifest(PartialKey key) {
        return StoredChunks.manifest(dynamo, STATE, key, WINDOW_BUCKETS);
    }

    private static void assertHolds(Partial actual, Fence fence, List<StateEntry> entries) {
        assertThat(actual.fence()).isEqualTo(fence);
        assertThat(actual.entries()).containsExactlyInAnyOrderElementsOf(entries);
    }

    /** What every reader sees: a new instance's read and a firing's read of the slot. */
    private static void assertVisible(PartialKey key, Fence fence, List<StateEntry> entries) {
        assertHolds(store(dynamo).readPartial(key).orElseThrow(), fence, entries);
        assertHolds(store(dynamo).readSlot(key.pipeline(), PANE).get(0), fence, entries);
    }

    @Test
    void aBatchChangingFewKeys_writesOneDeltaAndTheHead_andEveryReaderSeesTheNewVersion() {
        PartialKey key = key("p-" + UUID.randomUUID());
        SessionVersions sessions = new SessionVersions(1).users(0, 300);
        DynamoDbStateStore store = store(dynamo);
        store.writePartial(new Partial(key, Fence.of("1"), sessions.entries), Fence.NONE);
        long pages = store.pagesEncoded();
        CapacityUsage before = store.capacity();

        store.writePartial(new Partial(key, Fence.of("2"), sessions.batch(5, 320).entries), Fence.of("1"));

        CapacityUsage used = store.capacity().minus(before);
        assertThat(used.calls()).as("one delta chunk in one batch, and the head; nothing read")
                .containsEntry("BatchWriteItem", 1L).containsEntry("PutItem", 1L).hasSize(2);
        assertThat(store.pagesEncoded()).as("no page encoded").isEqualTo(pages);
        ChunkManifest manifest = manifest(key);
        assertThat(manifest.log()).hasSize(1);
        assertThat(manifest.logStoredBytes()).as("five users' sessions, not the partial")
                .isLessThan(manifest.baseStoredBytes() / 10);
        assertVisible(key, Fence.of("2"), sessions.entries);
    }

    @Test
    void readsOfItsOwnPartial_byTheSameStore_doNotCostTheWriterTheLog() {
        PartialKey key = key("p-" + UUID.randomUUID());
        SessionVersions sessions = new SessionVersions(8).users(0, 300);
        DynamoDbStateStore store = store(dynamo);
        store.writePartial(new Partial(key, Fence.of("1"), sessions.entries), Fence.NONE);

        store.readSlot(key.pipeline(), PANE);   // a session round of the same instance reads the pane
        store.readPartial(key);
        store.writePartial(new Partial(key, Fence.of("2"), sessions.batch(5, 300).entries), Fence.of("1"));

        assertThat(manifest(key).log()).hasSize(1);
        assertVisible(key, Fence.of("2"), sessions.entries);
    }

    @Test
    void aFiringThatReadsThePaneAgain_readsOnlyTheChunksWrittenSince() {
        PartialKey key = key("p-" + UUID.randomUUID());
        SessionVersions sessions = new SessionVersions(10).users(0, 1500);   // about 50 chunks
        DynamoDbStateStore writer = store(dynamo);
        DynamoDbStateStore firer = store(dynamo);
        writer.writePartial(new Partial(key, Fence.of("1"), sessions.entries), Fence.NONE);
        CapacityUsage before = firer.capacity();
        assertHolds(firer.readSlot(key.pipeline(), PANE).get(0), Fence.of("1"), sessions.entries);
        CapacityUsage first = firer.capacity().minus(before);

        writer.writePartial(new Partial(key, Fence.of("2"), sessions.batch(5, 1500).entries), Fence.of("1"));
        CapacityUsage between = firer.capacity();
        assertHolds(firer.readSlot(key.pipeline(), PANE).get(0), Fence.of("2"), sessions.entries);
        CapacityUsage second = firer.capacity().minus(between);

        assertThat(first.calls()).containsKey("BatchGetItem");
        assertThat(second.calls()).as("the head's query and one request for the new delta")
                .containsEntry("Query", first.calls().get("Query")).containsEntry("BatchGetItem", 1L);
        assertThat(second.estimatedReadUnits()).as("without the chunks read before: as the first")
                .isLessThan(first.estimatedReadUnits() / 3);
        assertHolds(store(dynamo).readSlot(key.pipeline(), PANE).get(0), Fence.of("2"), sessions.entries);
    }

    @Test
    void theLog_isCompactedIntoPages_beforeItOutgrowsThem() {
        PartialKey key = key("p-" + UUID.randomUUID());
        SessionVersions sessions = new SessionVersions(2).users(0, 300);
        DynamoDbStateStore store = store(dynamo);
        store.writePartial(new Partial(key, Fence.of("1"), sessions.entries), Fence.NONE);
        int compactions = 0;
        int longest = 0;
        for (int batch = 2; batch <= 40; batch++) {
            int logged = manifest(key).log().size();
            store.writePartial(new Partial(key, Fence.of(Integer.toString(batch)), sessions.batch(15, 330).entries),
                    Fence.of(Integer.toString(batch - 1)));
            ChunkManifest m = manifest(key);
            assertThat(m.logStoredBytes()).isLessThanOrEqualTo(m.baseStoredBytes());
            compactions += m.log().isEmpty() ? 1 : 0;
            assertThat(m.log().size()).isIn(0, logged + 1);
            longest = Math.max(longest, m.log().size());
            assertVisible(key, Fence.of(Integer.toString(batch)), sessions.entries);
        }
        assertThat(compactions).as("the log compacted now and then").isBetween(2, 20);
        assertThat(longest).as("several batches logged between compactions").isGreaterThanOrEqualTo(3);
    }

    @Test
    void aCrashAtEveryWriteOfALoggedWrite_leavesTheOldOrTheNewVersion_andARetryCompletesIt() {
        int crashes = 0;
        for (int k = 0; ; k++) {
            PartialKey key = key("p-" + UUID.randomUUID());
            SessionVersions sessions = new SessionVersions(3).users(0, 300);
            CrashingDynamoClient dying = new CrashingDynamoClient(dynamo);
            DynamoDbStateStore instance = store(dying.client());
            instance.writePartial(new Partial(key, Fence.of("10"), sessions.entries), Fence.NONE);
            List<StateEntry> v1 = sessions.entries;
            List<StateEntry> v2 = sessions.batch(8, 320).entries;
            dying.crashAfter(k);

            try {
                instance.writePartial(new Partial(key, Fence.of("20"), v2), Fence.of("10"));
            } catch (RuntimeException crash) {
                assertThat(dying.dead()).as("only the injected crash fails a write (k=%d)", k).isTrue();
            }
            if (!dying.dead()) {
                assertThat(manifest(key).log()).as("the write that did not crash was logged").hasSize(1);
                break;
            }
            crashes++;
            Partial visible = store(dynamo).readPartial(key).orElseThrow();
            if (visible.fence().equals(Fence.of("10"))) {
                assertHolds(visible, Fence.of("10"), v1);
                store(dynamo).writePartial(new Partial(key, Fence.of("20"), v2), Fence.of("10")); // the retry
            } else {
                assertHolds(visible, Fence.of("20"), v2);
            }
            assertVisible(key, Fence.of("20"), v2);
        }
        assertThat(crashes).as("crash points tried: the delta's chunk batch and the head").isEqualTo(2);
    }

    @Test
    void aWriterThatLostTheFenceRace_leavesNoChunkOfItsDelta() {
        String pipeline = "p-" + UUID.randomUUID();
        PartialKey key = key(pipeline);
        SessionVersions zombieSessions = new SessionVersions(4).users(0, 300);
        DynamoDbStateStore zombie = store(dynamo);
        zombie.writePartial(new Partial(key, Fence.of("1"), zombieSessions.entries), Fence.NONE);
        Partial read = store(dynamo).readPartial(key).orElseThrow();
        List<StateEntry> winner = new ArrayList<>(read.entries());
        winner.remove(0);
        store(dynamo).writePartial(new Partial(key, Fence.of("2"), winner), Fence.of("1"));
        var named = StoredChunks.named(dynamo, STATE, key, WINDOW_BUCKETS);
        var stored = StoredChunks.stored(dynamo, STATE, pipeline);

        assertThatThrownBy(() -> zombie.writePartial(new Partial(key, Fence.of("2"),
                zombieSessions.batch(5, 300).entries), Fence.of("1"))).isInstanceOf(FenceConflictException.class);

        assertVisible(key, Fence.of("2"), winner);
        assertThat(StoredChunks.stored(dynamo, STATE, pipeline)).as("the loser's delta deleted").isEqualTo(stored)
                .containsAll(named);
    }

    @Test
    void anInlinePartialOverTheThreshold_becomesChunked_whenABatchChangesLittleOfIt_andIsLoggedAfter() {
        PartialKey key = key("p-" + UUID.randomUUID());
        DynamoDbStateStore store = DynamoDbStateStore.builder().withClient(dynamo).withStateTable(STATE)
                .withCoordinationTable(COORDINATION).withWindowBuckets(WINDOW_BUCKETS).withLogAbove(8192).build();
        SessionVersions sessions = new SessionVersions(5).users(0, 300);   // about 20 KB: one item under DynamoDB's limit
        store.writePartial(new Partial(key, Fence.of("1"), sessions.entries), Fence.NONE);
        assertThat(head(key)).containsKey(StateTables.ENTRIES);

        store.writePartial(new Partial(key, Fence.of("2"), sessions.batch(5, 300).entries), Fence.of("1"));
        assertThat(manifest(key).log()).as("chunked, its base written").isEmpty();
        assertThat(manifest(key).sliceTarget()).as("in the slices of a logged partial")
                .isEqualTo(ChunkedPartials.LOGGED_SLICE_TARGET_BYTES);
        store.writePartial(new Partial(key, Fence.of("3"), sessions.batch(5, 300).entries), Fence.of("2"));
        assertThat(manifest(key).log()).as("then logged").hasSize(1);
        assertVisible(key, Fence.of("3"), sessions.entries);

        SessionVersions most = new SessionVersions(6).users(0, 300);   // a batch that changes everything stays inline
        PartialKey other = key("p-" + UUID.randomUUID());
        store.writePartial(new Partial(other, Fence.of("1"), most.entries), Fence.NONE);
        store.writePartial(new Partial(other, Fence.of("2"), most.users(0, 300).entries), Fence.of("1"));
        assertThat(head(other)).containsKey(StateTables.ENTRIES);
    }

    @Test
    void aCompaction_cutsTheBaseIntoLargerSlices_soTheHeadEveryDeltaRewrites_isSmaller() {
        PartialKey key = key("p-" + UUID.randomUUID());
        DynamoDbStateStore store = DynamoDbStateStore.builder().withClient(dynamo).withStateTable(STATE)
                .withCoordinationTable(COORDINATION).withWindowBuckets(WINDOW_BUCKETS).withItemLimit(65_536)
                .withLogAbove(8192).build();
        SessionVersions sessions = new SessionVersions(9).users(0, 2000);   // about 120 KB: chunked
        store.writePartial(new Partial(key, Fence.of("1"), sessions.entries), Fence.NONE);
        store.writePartial(new Partial(key, Fence.of("2"), sessions.batch(5, 2000).entries), Fence.of("1"));
        ChunkManifest logged = manifest(key);
        assertThat(logged.log()).hasSize(1);
        assertThat(logged.sliceTarget()).isEqualTo(2048);

        store.writePartial(new Partial(key, Fence.of("3"), sessions.batch(700, 2000).entries), Fence.of("2"));

        ChunkManifest compacted = manifest(key);
        assertThat(compacted.log()).as("a batch that changed much: pages").isEmpty();
        assertThat(compacted.sliceTarget()).isEqualTo(ChunkedPartials.LOGGED_SLICE_TARGET_BYTES);
        assertThat(compacted.encode().length).as("the head's manifest").isLessThan(logged.encode().length / 2);
        assertVisible(key, Fence.of("3"), sessions.entries);
    }

    @Test
    void aBaseHalfTheRetentionOld_isWrittenAgain_notNamedByALoggedHead() {
        PartialKey key = key("p-" + UUID.randomUUID());
        Instant[] now = {Instant.parse("2026-12-06T00:00:00Z")};
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        DynamoDbStateStore store = store(dynamo, clock);
        SessionVersions sessions = new SessionVersions(7).users(0, 300);
        store.writePartial(new Partial(key, Fence.of("1"), sessions.entries), Fence.NONE);
        store.writePartial(new Partial(key, Fence.of("2"), sessions.batch(3, 300).entries), Fence.of("1"));
        assertThat(manifest(key).log()).hasSize(1);

        now[0] = now[0].plus(Duration.ofDays(7).dividedBy(2));
        store.writePartial(new Partial(key, Fence.of("3"), sessions.batch(3, 300).entries), Fence.of("2"));

        ChunkManifest m = manifest(key);
        assertThat(m.log()).isEmpty();
        assertThat(m.oldestWriteSeconds()).as("every slice written again").isEqualTo(now[0].getEpochSecond());
        assertVisible(key, Fence.of("3"), sessions.entries);
    }

    /**
     * Random histories: batches of a few users (logged), now and then many (compacted), crashes at random write calls,
     * new instances that read before writing. Whatever happened, every reader sees the last version written.
     */
    @ParameterizedTest
    @ValueSource(longs = {11, 12, 13, 14, 15, 16})
    void randomHistoriesOfCrashesAndNewInstances_alwaysShowTheLastWrittenVersion(long seed) {
        Random random = new Random(seed);
        PartialKey key = key("p-" + UUID.randomUUID());
        SessionVersions sessions = new SessionVersions(seed).users(0, 200);
        Fence stored = Fence.of("1");
        List<StateEntry> visible = sessions.entries;
        store(dynamo).writePartial(new Partial(key, stored, visible), Fence.NONE);
        CrashingDynamoClient client = new CrashingDynamoClient(dynamo);
        DynamoDbStateStore instance = store(client.client());
        boolean warm = false;
        int logged = 0;
        for (int batch = 2; batch <= 30; batch++) {
            if (!warm) {   // a new instance loads the partial, as the runtime does, and derives from what it read
                client = new CrashingDynamoClient(dynamo);
                instance = store(client.client());
                Partial read = instance.readPartial(key).orElseThrow();
                assertHolds(read, stored, visible);
                sessions = SessionVersions.continuing(read.entries(), random.nextLong());
                warm = true;
            }
            sessions.batch(random.nextInt(8) == 0 ? 150 : 1 + random.nextInt(10), 230);
            Fence next = Fence.of(Integer.toString(batch));
            if (random.nextInt(4) == 0) {
                client.crashAfter(random.nextInt(3));
            }
            try {
                instance.writePartial(new Partial(key, next, sessions.entries), stored);
                stored = next;
                visible = sessions.entries;
                logged += manifest(key).log().isEmpty() ? 0 : 1;
            } catch (RuntimeException crash) {
                assertThat(client.dead()).isTrue();
                warm = false;
                Partial after = store(dynamo).readPartial(key).orElseThrow();
                if (after.fence().equals(next)) {   // the head was written before the crash
                    stored = next;
                    visible = sessions.entries;
                }
            }
            assertVisible(key, stored, visible);
        }
        assertThat(logged).as("logged writes in the history").isGreaterThan(3);
    }

    private static Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> head(PartialKey key) {
        return dynamo.getItem(b -> b.tableName(STATE).consistentRead(true)
                .key(Coordination.key(Keys.partialPk(key, WINDOW_BUCKETS), Keys.partialSk(key)))).item();
    }
}
