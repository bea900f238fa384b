package io.sluice.state;

import java.util.List;

/**
 * A completion found the window's claim no longer this firer's: its lease lapsed while it fired, and another firer
 * claimed the window, fired it, or claimed and released it. Not a failure of the firing: its rows are a function of
 * the window's final partials, so whoever fires the window writes the same ones, and a window not completed stays
 * pending, so a later firing fires it. The firer counts the window as not fired by it and goes on.
 *
 * <pre>{@code
 * try {
 *     store.completeFirings(pipeline, held, owner);
 * } catch (FiringClaimLostException lost) {
 *     held.removeAll(lost.slots());   // fired (or to be fired) by another firer; every other slot completed
 * }
 * }</pre>
 */
public class FiringClaimLostException extends StateStoreException {

    private final List<Slot> slots;

    /** @param slots the windows whose claim was lost, at least one */
    public FiringClaimLostException(String message, List<Slot> slots) {
        super(message);
        this.slots = List.copyOf(slots);
    }

    /** The windows whose claim was lost. */
    public List<Slot> slots() {
        return slots;
    }

    /** One exception naming every slot of {@code lost}, with the first one's message. */
    public static FiringClaimLostException merged(List<FiringClaimLostException> lost) {
        List<Slot> slots = lost.stream().flatMap(e -> e.slots().stream()).toList();
        return new FiringClaimLostException(lost.get(0).getMessage() + (lost.size() > 1 ? " (and " + (lost.size() - 1)
                + " more windows)" : ""), slots);
    }
}
