package io.sluice.state.coordination;

import io.sluice.state.Fence;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link AttemptLog} in memory, for tests and the simulator; entries are kept forever.
 *
 * <pre>{@code
 * AttemptLog log = new InMemoryAttemptLog(Clock.systemUTC());
 * }</pre>
 */
public final class InMemoryAttemptLog implements AttemptLog {

    private record Entry(Instant at, Range range) {
    }

    private final Clock clock;
    private final Map<String, List<Entry>> entries = new ConcurrentHashMap<>();
    private final Map<String, Fence> since = new ConcurrentHashMap<>();

    public InMemoryAttemptLog(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void record(String pipeline, String split, Range range, Fence attemptFenceBefore) {
        String key = pipeline + "#" + split;
        since.putIfAbsent(key, attemptFenceBefore.isAfter(range.after()) ? attemptFenceBefore : range.after());
        List<Entry> log = entries.computeIfAbsent(key, k -> new ArrayList<>());
        synchronized (log) {
            log.add(new Entry(clock.instant(), range));
        }
    }

    @Override
    public Optional<Fence> loggedAfter(String pipeline, String split) {
        return Optional.ofNullable(since.get(pipeline + "#" + split));
    }

    @Override
    public List<Range> rangesLogged(String pipeline, String split, Instant from, Fence through) {
        List<Entry> log = entries.getOrDefault(pipeline + "#" + split, List.of());
        List<Range> out = new ArrayList<>();
        Instant start = from.minus(CLOCK_SKEW);
        Instant stop = null;
        synchronized (log) {
            for (Entry e : log) {
                if (e.at().isBefore(start)) {
                    continue;
                }
                if (stop != null && e.at().isAfter(stop)) {
                    break;
                }
                out.add(e.range());
                if (stop == null && !through.isAfter(e.range().after())) {
                    stop = e.at().plus(CLOCK_SKEW);
                }
            }
        }
        return out;
    }
}
