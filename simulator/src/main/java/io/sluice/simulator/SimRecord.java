package io.sluice.simulator;

/**
 * One generated input record. The checker knows its identity (the order id {@code o-<id>}), its amount and its
 * timestamp; {@code line} is what the shard carries.
 *
 * @param id       unique, increasing in production order
 * @param kind     how the generator made it
 * @param category the key ({@code c-1}..{@code c-4})
 * @param amount   cents
 * @param ts       event time, epoch ms
 * @param line     the JSON line (malformed for {@link Kind#MALFORMED})
 */
public record SimRecord(int id, Kind kind, String category, long amount, long ts, String line) {

    /** How a record was generated. */
    public enum Kind {
        /** Within the disorder bound of its shard. */
        ORDER,
        /** Older than disorder + allowed lateness at generation. */
        LATE,
        /** Does not decode. */
        MALFORMED,
        /** Year 2100, or microseconds. */
        FAR_FUTURE,
        /** Huge amount: a sum with it overflows a long. */
        OVERFLOW,
        /** {@code Long.MIN_VALUE}. */
        MIN_TS
    }

    /** Whether the line decodes into an order. */
    public boolean decodable() {
        return kind != Kind.MALFORMED;
    }

    /** Compact form for printed histories: {@code 17:c-2:1999@1605052801234} or {@code 17:MALFORMED}. */
    public String compact() {
        if (kind == Kind.MALFORMED) {
            return id + ":MALFORMED";
        }
        String tsText = ts == Long.MIN_VALUE ? "MIN" : Long.toString(ts);
        return id + ":" + category + ":" + amount + "@" + tsText + (kind == Kind.ORDER ? "" : "(" + kind + ")");
    }
}
