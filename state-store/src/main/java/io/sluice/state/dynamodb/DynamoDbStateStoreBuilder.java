package io.sluice.state.dynamodb;

import io.sluice.state.StateStore;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Builds a {@link DynamoDbStateStore}. Client and both table names are required; the rest have defaults:
 * 4 window buckets, 7 days retention, the UTC system clock, 8 attempts with back-off from 25 ms up to 2 s, 16
 * independent calls in flight.
 *
 * <pre>{@code
 * DynamoDbStateStore store = DynamoDbStateStore.builder()
 *         .withClient(dynamo).withStateTable("sluice-state").withCoordinationTable("sluice-coordination")
 *         .withWindowBuckets(8).withRetention(Duration.ofDays(2)).withClock(Clock.systemUTC())
 *         .build();
 * }</pre>
 */
public final class DynamoDbStateStoreBuilder {

    DynamoDbClient client;
    String stateTable;
    String coordinationTable;
    int windowBuckets = 4;
    Duration retention = Duration.ofDays(7);
    Clock clock = Clock.systemUTC();
    int maxAttempts = 8;
    Duration backoffBase = Duration.ofMillis(25);
    Duration backoffCap = Duration.ofSeconds(2);
    int queryPageSize;
    int itemLimitBytes = StateStore.ITEM_LIMIT_BYTES;
    int logAboveBytes = DEFAULT_LOG_ABOVE_BYTES;
    boolean log = true;
    int maxInFlight = DEFAULT_MAX_IN_FLIGHT;

    /** Partials over 64 KB whose batches change little of them are chunked and logged (see {@link #withLogAbove}). */
    public static final int DEFAULT_LOG_ABOVE_BYTES = 64 * 1024;

    /**
     * Calls in flight at once by default. A batch of 1,000 GMV records touches about 16 partial items, one of 9,000
     * that fires windows 40-50 and a firing of 16 windows 64 slot queries: with 64, a step of a batch waits one round
     * trip in this workload (16 in flight made a firing batch of 10,000 wait 23 round trips, 64 makes it 14-15;
     * BENCHMARKS.md, issue 15). Each call in flight is a pool thread and a connection (SdkClients' pool holds 160).
     */
    public static final int DEFAULT_MAX_IN_FLIGHT = 64;

    DynamoDbStateStoreBuilder() {
    }

    public DynamoDbStateStoreBuilder withClient(DynamoDbClient client) {
        this.client = Objects.requireNonNull(client, "client");
        return this;
    }

    /** The table of partials. */
    public DynamoDbStateStoreBuilder withStateTable(String tableName) {
        this.stateTable = Objects.requireNonNull(tableName, "tableName");
        return this;
    }

    /** The table of slots, claims, splits and fired watermarks; may be the state table itself. */
    public DynamoDbStateStoreBuilder withCoordinationTable(String tableName) {
        this.coordinationTable = Objects.requireNonNull(tableName, "tableName");
        return this;
    }

    /**
     * Partition keys per window, {@code [1, 1000]}: one window's partials spread over this many, so a busy window
     * gets this many times one partition's 1,000 writes/s; a firing makes at least this many queries.
     */
    public DynamoDbStateStoreBuilder withWindowBuckets(int windowBuckets) {
        if (windowBuckets < 1 || windowBuckets > 1000) {
            throw new IllegalArgumentException("windowBuckets must be in [1, 1000] but was " + windowBuckets);
        }
        this.windowBuckets = windowBuckets;
        return this;
    }

    /** How long items live after their last write (the TTL attribute); at least one minute. */
    public DynamoDbStateStoreBuilder withRetention(Duration retention) {
        if (retention.compareTo(Duration.ofMinutes(1)) < 0) {
            throw new IllegalArgumentException("retention must be at least 1 minute but was " + retention);
        }
        this.retention = retention;
        return this;
    }

    /** The clock of TTL timestamps. */
    public DynamoDbStateStoreBuilder withClock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * Attempts per call on throttling ({@code ProvisionedThroughputExceededException}, {@code ThrottlingException},
     * {@code RequestLimitExceeded}), 5xx and transaction conflicts, {@code >= 1}; other errors are not retried.
     *
     * <p>This loop runs outside the SDK's own retry strategy. With the SDK default (standard mode: 3 attempts with
     * a short back-off) each of these attempts may be up to 3 HTTP requests; the store's longer back-off (up to
     * {@code cap}) is what rides out sustained throttling such as a hot partition or an on-demand table scaling
     * up. To make this loop the only one, build the client with
     * {@code .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))}. Retrying a
     * conditional write whose first attempt did reach DynamoDB is safe: the retry meets the new fence and ends
     * in a {@link io.sluice.state.FenceConflictException}, which the writer resolves by re-reading.
     */
    public DynamoDbStateStoreBuilder withMaxAttempts(int maxAttempts) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1 but was " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        return this;
    }

    /** Back-off of attempt n is uniform in {@code [0, min(cap, base * 2^n)]}. */
    public DynamoDbStateStoreBuilder withBackoff(Duration base, Duration cap) {
        if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("need 0 < base <= cap but got base=" + base + " cap=" + cap);
        }
        this.backoffBase = base;
        this.backoffCap = cap;
        return this;
    }

    /**
     * Items per query page when reading a slot; {@code 0} (default) lets DynamoDB fill 1 MB pages. Small pages
     * only serve tests of pagination.
     */
    public DynamoDbStateStoreBuilder withQueryPageSize(int items) {
        if (items < 0) {
            throw new IllegalArgumentException("query page size must be >= 0 but was " + items);
        }
        this.queryPageSize = items;
        return this;
    }

    /**
     * The item size above which a partial is written as chunks behind a head ({@link ChunkedPartials}); DynamoDB's
     * 400 KB by default. A smaller limit only serves tests: it chunks small partials, so chunking is exercised
     * without writing megabytes to an emulator.
     *
     * @throws IllegalArgumentException if {@code bytes} is under 512 bytes or over 400 KB
     */
    public DynamoDbStateStoreBuilder withItemLimit(int bytes) {
        if (bytes < 512 || bytes > StateStore.ITEM_LIMIT_BYTES) {
            throw new IllegalArgumentException("item limit must be in [512, " + StateStore.ITEM_LIMIT_BYTES
                    + "] but was " + bytes);
        }
        this.itemLimitBytes = bytes;
        return this;
    }

    /**
     * The size above which a partial that a batch changes little (under an eighth of it) is kept as chunks with a log
     * of deltas instead of one item rewritten whole ({@link DynamoDbStateStore#writePartial}); 64 KB by default, at
     * most the item limit. Below it a whole item costs little more than a delta and the head; above it, a batch
     * changing a few hundred of an item's keys is billed by those keys. Smaller values only serve tests.
     *
     * @throws IllegalArgumentException if {@code bytes} is under 256 bytes
     */
    public DynamoDbStateStoreBuilder withLogAbove(int bytes) {
        if (bytes < 256) {
            throw new IllegalArgumentException("log threshold must be at least 256 bytes but was " + bytes);
        }
        this.logAboveBytes = bytes;
        return this;
    }

    /**
     * Whether chunked partials are written as a log of deltas when that pays (the default), or always as pages, as
     * builds before the log wrote them: to measure one against the other.
     */
    public DynamoDbStateStoreBuilder withLog(boolean enabled) {
        this.log = enabled;
        return this;
    }

    /**
     * How many independent calls (a batch's partial writes, slot registrations, a slot's per-bucket queries, key
     * batches of a read) are in flight at once, {@code [1, 256]}; 1 issues them one after the other. Each waits a
     * round trip; Lambda bills the wait, so a batch touching n items waits about {@code ceil(n / maxInFlight)} round
     * trips for its partials. Keep it under the HTTP client's connection limit (Apache: 50 by default).
     */
    public DynamoDbStateStoreBuilder withMaxInFlight(int calls) {
        if (calls < 1 || calls > 256) {
            throw new IllegalArgumentException("calls in flight must be in [1, 256] but was " + calls);
        }
        this.maxInFlight = calls;
        return this;
    }

    /**
     * @throws IllegalStateException if the client or a table name is missing
     */
    public DynamoDbStateStore build() {
        if (client == null || stateTable == null || coordinationTable == null) {
            throw new IllegalStateException("client, state table and coordination table are required");
        }
        return new DynamoDbStateStore(this);
    }
}
