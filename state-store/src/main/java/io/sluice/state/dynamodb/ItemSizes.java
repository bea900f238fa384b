package io.sluice.state.dynamodb;

import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * DynamoDB's item size and capacity-unit rules, from the developer guide: every attribute costs its name's UTF-8
 * length plus its value (strings: UTF-8 length; binaries: length; numbers: about one byte per two significant
 * digits plus one; lists and maps: 3 bytes plus 1 per element plus the elements). A write unit covers 1 KB
 * written, a strongly consistent read unit 4 KB read.
 */
public final class ItemSizes {

    private ItemSizes() {
    }

    /**
     * @param item an item, keys included
     * @return its size in bytes as DynamoDB bills it
     */
    public static int itemSize(Map<String, AttributeValue> item) {
        int size = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            size += utf8Length(e.getKey()) + valueSize(e.getValue());
        }
        return size;
    }

    /**
     * @param itemBytes the larger of an item's sizes before and after a write
     * @return the write units the write consumes
     */
    public static double writeUnits(int itemBytes) {
        return Math.max(1, (itemBytes + 1023) / 1024);
    }

    /** Strongly consistent read units for {@code bytes} read in one request (a query sums its items first). */
    static double readUnits(long bytes) {
        return Math.max(1, (bytes + 4095) / 4096);
    }

    private static int valueSize(AttributeValue v) {
        if (v.s() != null) {
            return utf8Length(v.s());
        }
        if (v.n() != null) {
            return numberSize(v.n());
        }
        if (v.b() != null) {
            return v.b().asByteArrayUnsafe().length;
        }
        if (v.hasL()) {
            int size = 3;
            for (AttributeValue element : v.l()) {
                size += 1 + valueSize(element);
            }
            return size;
        }
        if (v.hasM()) {
            int size = 3;
            for (Map.Entry<String, AttributeValue> e : v.m().entrySet()) {
                size += 1 + utf8Length(e.getKey()) + valueSize(e.getValue());
            }
            return size;
        }
        return 1; // BOOL and NULL
    }

    private static int numberSize(String n) {
        int significant = 0;
        for (int i = 0; i < n.length(); i++) {
            if (Character.isDigit(n.charAt(i))) {
                significant++;
            }
        }
        return (significant + 1) / 2 + 1;
    }

    private static int utf8Length(String s) {
        boolean ascii = true;
        for (int i = 0; i < s.length() && ascii; i++) {
            ascii = s.charAt(i) < 0x80;
        }
        return ascii ? s.length() : s.getBytes(StandardCharsets.UTF_8).length;
    }
}
