package io.sluice.state;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A position in a source split up to which records have been applied: a Kinesis sequence number (a decimal of up
 * to 129 digits, the API's pattern {@code 0|([1-9]\d{0,128})}; real ones have about 56, well past 64 bits) plus an optional sub-sequence number for records de-aggregated from one KPL record, or a line or
 * record ordinal for batch tasks.
 *
 * <p>Fences compare numerically, never as strings: {@code Fence.of("9") < Fence.of("10")}. {@link #NONE} is below
 * every position and means "nothing applied yet".
 *
 * <pre>{@code
 * Fence applied = Fence.of("49590338271490256608559692538361571095921575989136588898");
 * boolean replay = Fence.of("49590338271490256608559692538361571095921575989136588897").compareTo(applied) <= 0; // true
 * }</pre>
 */
public final class Fence implements Comparable<Fence> {

    /** The position before the first record of any split. */
    public static final Fence NONE = new Fence(BigInteger.ONE.negate(), 0);

    /** Width of the zero-padded decimal form: the longest sequence number Kinesis allows. */
    private static final int SEQUENCE_DIGITS = 129;
    private static final int SUB_SEQUENCE_DIGITS = 10;

    private final BigInteger sequence;
    private final long subSequence;

    private Fence(BigInteger sequence, long subSequence) {
        this.sequence = sequence;
        this.subSequence = subSequence;
    }

    /**
     * A position given by a decimal sequence number.
     *
     * @throws IllegalArgumentException if {@code sequenceNumber} is not a decimal of 1 to 129 digits
     */
    public static Fence of(String sequenceNumber) {
        return of(sequenceNumber, 0);
    }

    /**
     * A position inside an aggregated record: {@code subSequence} orders the user records of one KPL record.
     *
     * @throws IllegalArgumentException if the sequence number is not a decimal of 1 to 129 digits or
     *     {@code subSequence} is negative
     */
    public static Fence of(String sequenceNumber, long subSequence) {
        checkSequenceNumber(sequenceNumber);
        BigInteger sequence = new BigInteger(sequenceNumber);
        if (subSequence < 0) {
            throw new IllegalArgumentException("subSequence must be >= 0 but was " + subSequence);
        }
        return new Fence(sequence, subSequence);
    }

    /**
     * Checks what {@link #of(String)} checks without building the number (a driver validates every record's
     * sequence number but needs the fence of a few).
     *
     * @throws IllegalArgumentException if {@code sequenceNumber} is not a decimal of 1 to 129 digits
     */
    public static void checkSequenceNumber(String sequenceNumber) {
        Objects.requireNonNull(sequenceNumber, "sequenceNumber");
        if (sequenceNumber.isEmpty() || sequenceNumber.length() > SEQUENCE_DIGITS) {
            throw new IllegalArgumentException("sequence number must have 1 to " + SEQUENCE_DIGITS + " digits: ["
                    + sequenceNumber + "]");
        }
        // Its bytes in one copy, then a byte loop: a charAt per digit was 5 % of the Kinesis handler's CPU in Lambda's
        // C1-only JVM (issue 15). A character outside Latin-1 becomes '?', never a digit.
        for (byte c : sequenceNumber.getBytes(StandardCharsets.ISO_8859_1)) {
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("sequence number is not a decimal: [" + sequenceNumber + "]");
            }
        }
    }

    /** A position given by a non-negative ordinal, such as a line number of a batch task. */
    public static Fence ofOrdinal(long ordinal) {
        if (ordinal < 0) {
            throw new IllegalArgumentException("ordinal must be >= 0 but was " + ordinal);
        }
        return new Fence(BigInteger.valueOf(ordinal), 0);
    }

    /**
     * Parses the form written by {@link #encoded()}.
     *
     * @throws IllegalArgumentException if {@code encoded} is not such a form
     */
    public static Fence decode(String encoded) {
        if ("-".equals(encoded)) {
            return NONE;
        }
        int colon = encoded.indexOf(':');
        if (colon != SEQUENCE_DIGITS || encoded.length() != SEQUENCE_DIGITS + 1 + SUB_SEQUENCE_DIGITS) {
            throw new IllegalArgumentException("not an encoded fence: [" + encoded + "]");
        }
        return of(encoded.substring(0, colon), Long.parseLong(encoded.substring(colon + 1)));
    }

    /**
     * A fixed-width form whose string order equals the numeric order, so a store can also compare fences in
     * condition expressions: 129 zero-padded digits, a colon, 10 zero-padded digits; {@code "-"} for {@link #NONE}.
     */
    public String encoded() {
        if (this == NONE || sequence.signum() < 0) {
            return "-";
        }
        String digits = sequence.toString();
        String sub = Long.toString(subSequence);
        return "0".repeat(SEQUENCE_DIGITS - digits.length()) + digits + ':'
                + "0".repeat(Math.max(0, SUB_SEQUENCE_DIGITS - sub.length())) + sub;
    }

    /** The sequence number in decimal, without padding; {@code "-"} for {@link #NONE}. */
    public String sequenceNumber() {
        return sequence.signum() < 0 ? "-" : sequence.toString();
    }

    public long subSequence() {
        return subSequence;
    }

    /** Whether this position is strictly after {@code other}. */
    public boolean isAfter(Fence other) {
        return compareTo(other) > 0;
    }

    @Override
    public int compareTo(Fence other) {
        int c = sequence.compareTo(other.sequence);
        return c != 0 ? c : Long.compare(subSequence, other.subSequence);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fence f && sequence.equals(f.sequence) && subSequence == f.subSequence;
    }

    @Override
    public int hashCode() {
        return sequence.hashCode() * 31 + Long.hashCode(subSequence);
    }

    @Override
    public String toString() {
        return this == NONE ? "Fence[NONE]" : "Fence[" + sequence + (subSequence == 0 ? "" : "/" + subSequence) + "]";
    }
}
