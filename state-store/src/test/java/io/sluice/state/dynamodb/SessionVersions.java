package io.sluice.state.dynamodb;

import io.sluice.state.PartialEntries;
import io.sluice.state.StateEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A writer of per-user sessions for tests: one group of entries per user, each version derived from the last as the
 * runtime derives them ({@link PartialEntries#withGroup}), so unchanged users keep their entry objects.
 */
final class SessionVersions {

    private final Map<String, Integer> groupOf = new HashMap<>();
    private final Random random;
    PartialEntries entries = PartialEntries.EMPTY;

    SessionVersions(long seed) {
        random = new Random(seed);
    }

    /** A writer that continues from entries read back: one group per user, in the order read. */
    static SessionVersions continuing(List<StateEntry> read, long seed) {
        SessionVersions s = new SessionVersions(seed);
        Map<String, List<StateEntry>> byUser = new LinkedHashMap<>();
        for (StateEntry e : read) {
            byUser.computeIfAbsent(e.key(), u -> new ArrayList<>()).add(e);
        }
        byUser.forEach((user, group) -> s.set(user, group.toArray(new StateEntry[0])));
        return s;
    }

    /** Users {@code [from, to)} touched once each. */
    SessionVersions users(int from, int to) {
        for (int u = from; u < to; u++) {
            touch("u-" + u);
        }
        return this;
    }

    /** {@code n} random users of {@code [0, population)} touched: some new, some removed and back. */
    SessionVersions batch(int n, int population) {
        for (int i = 0; i < n; i++) {
            touch("u-" + random.nextInt(population));
        }
        return this;
    }

    /** The user's sessions replaced by one to three new ones or, one time in six, removed. */
    void touch(String user) {
        set(user, random.nextInt(6) == 0 ? new StateEntry[0] : sessions(user));
    }

    /** The user's entries set to {@code group}; an empty group removes the user (a hole in the entries). */
    void set(String user, StateEntry[] group) {
        Integer index = groupOf.get(user);
        if (group.length == 0) {
            if (index != null) {
                entries = entries.withGroup(index, null);
                groupOf.remove(user);
            }
        } else if (index == null) {
            groupOf.put(user, entries.groups());
            entries = entries.withGroupAppended(group);
        } else {
            entries = entries.withGroup(index, group);
        }
    }

    /** Holes dropped: an unrelated structure, every later group at a new index, the same entry objects. */
    void compact() {
        entries = entries.compacted();
        groupOf.clear();
        for (int g = 0; g < entries.groups(); g++) {
            groupOf.put(entries.group(g)[0].key(), g);
        }
    }

    /** One to three sessions of {@code user}, a gap apart, at random places in a two-hour pane. */
    private StateEntry[] sessions(String user) {
        int n = 1 + random.nextInt(3);
        StateEntry[] group = new StateEntry[n];
        long start = random.nextInt(600) * 1000L;
        for (int i = 0; i < n; i++) {
            long end = start + 1000 + random.nextInt(1_800_000);
            byte[] acc = new byte[1 + random.nextInt(24)];
            random.nextBytes(acc);
            group[i] = new StateEntry(user, start, end, acc);
            start = end + 1_800_000;
        }
        return group;
    }
}
