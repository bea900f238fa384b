package io.sluice.state.dynamodb;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Random;
import java.util.Set;

/**
 * A real {@link DynamoDbClient} (moto_server) seen through a process that dies: once armed, it lets {@code k} write
 * calls through and then fails that one and every later call, as a Lambda instance timed out between two of its
 * requests. Nothing is mocked: every call that happens reaches the engine.
 */
public final class CrashingDynamoClient {

    private static final Set<String> WRITES = Set.of("putItem", "deleteItem", "updateItem", "transactWriteItems",
            "batchWriteItem");

    private final DynamoDbClient client;
    private int writesLeft = -1;
    private boolean dead;
    private int writes;
    private int failures;
    private Random random;
    private double failureProbability;
    private String failingTable;

    public CrashingDynamoClient(DynamoDbClient delegate) {
        this.client = (DynamoDbClient) Proxy.newProxyInstance(DynamoDbClient.class.getClassLoader(),
                new Class<?>[] {DynamoDbClient.class}, (p, method, args) -> {
                    String name = method.getName();
                    if (name.equals("close")) {
                        return null;   // the shared client outlives every instance
                    }
                    synchronized (this) {   // the store may send independent calls from several threads
                        if (dead) {
                            throw SdkClientException.create("injected crash: instance is dead (" + name + ")");
                        }
                        if (WRITES.contains(name)) {
                            writes++;
                            boolean strike = writesLeft == 0;
                            if (writesLeft > 0) {
                                writesLeft--;
                            }
                            if (strike) {
                                dead = true;
                                throw SdkClientException.create("injected crash before " + name);
                            }
                            if (random != null && writesTo(args[0], failingTable)
                                    && random.nextDouble() < failureProbability) {
                                failures++;
                                throw SdkClientException.create("injected failure of " + name);
                            }
                        }
                    }
                    try {
                        return method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** A put of one item, or of a batch of items (chunks), to {@code table}. */
    private static boolean writesTo(Object request, String table) {
        return request instanceof PutItemRequest put && put.tableName().equals(table)
                || request instanceof BatchWriteItemRequest batch && batch.requestItems().containsKey(table);
    }

    /** Dies at the write after the next {@code k} ({@code k = 0}: the next write). */
    public CrashingDynamoClient crashAfter(int k) {
        writesLeft = k;
        return this;
    }

    /**
     * Fails each {@code PutItem} or {@code BatchWriteItem} to {@code table} with probability {@code p}, drawn from {@code seed}: the invocation stops at
     * that call (its later calls never happen) and the instance stays warm, its caches as they were.
     */
    public CrashingDynamoClient failRandomly(long seed, double p, String table) {
        random = new Random(seed);
        failureProbability = p;
        failingTable = table;
        return this;
    }

    /** Random failures injected so far. */
    public int failures() {
        return failures;
    }

    public DynamoDbClient client() {
        return client;
    }

    public boolean dead() {
        return dead;
    }

    /** Write calls attempted so far, the one that crashed included. */
    public int writes() {
        return writes;
    }
}
