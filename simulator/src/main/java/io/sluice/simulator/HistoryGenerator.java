package io.sluice.simulator;

import io.sluice.simulator.Action.FaultType;
import io.sluice.simulator.SimRecord.Kind;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Generates a {@link History} from a seed alone: one {@link SplittableRandom}, no clock, no hash order. Records are
 * orders a few hundred milliseconds apart with up to 5 s of disorder, on 1 to 3 shards that may split and merge; the
 * schedule delivers them in batches of random size to random instances, with the faults the history drew.
 */
public final class HistoryGenerator {

    /** 2020-11-11T00:00:00Z: event time of the first record. */
    public static final long T0 = 1_605_052_800_000L;
    static final long YEAR_2100 = 4_102_444_800_000L;
    private static final int MAX_ACTIONS = 500;
    /** {@link FaultClass#REDEPLOY}'s own random stream: whether it is drawn, and the other count. */
    static final long REDEPLOY_STREAM = 0xA54FF53A5F1D36F1L;

    private final Set<FaultClass> enabled;
    private final Optional<SimPipelines.Variant> pipeline;

    public HistoryGenerator(Set<FaultClass> enabled, Optional<SimPipelines.Variant> pipeline) {
        this.enabled = enabled.isEmpty() ? EnumSet.noneOf(FaultClass.class) : EnumSet.copyOf(enabled);
        this.pipeline = pipeline;
    }

    public History generate(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        SimPipelines.Variant variant = pipeline.orElseGet(() -> {
            int p = r.nextInt(100);
            return p < 28 ? SimPipelines.Variant.BY_CATEGORY : p < 35 ? SimPipelines.Variant.LARGE_STATE
                    : p < 60 ? SimPipelines.Variant.TOTAL
                    : p < 80 ? SimPipelines.Variant.SLIDING : SimPipelines.Variant.SESSION;
        });
        Set<FaultClass> drawn = EnumSet.noneOf(FaultClass.class);
        for (FaultClass c : FaultClass.values()) {
            if (c != FaultClass.GIVE_UP && c != FaultClass.GIVE_UP_UNRECORDED && c != FaultClass.REDEPLOY
                    && enabled.contains(c)
                    && r.nextInt(100) < 35) {
                drawn.add(c);
            }
        }
        // Its own stream: a history that does not draw it is the one its seed gave before it existed.
        if (enabled.contains(FaultClass.GIVE_UP) && new SplittableRandom(seed ^ 0x6A09E667F3BCC908L).nextInt(100) < 35) {
            drawn.add(FaultClass.GIVE_UP);
        }
        if (enabled.contains(FaultClass.GIVE_UP_UNRECORDED)
                && new SplittableRandom(seed ^ 0x3C6EF372FE94F82BL).nextInt(100) < 35) {
            drawn.add(FaultClass.GIVE_UP_UNRECORDED);
        }
        if (enabled.contains(FaultClass.REDEPLOY) && new SplittableRandom(seed ^ REDEPLOY_STREAM).nextInt(100) < 35) {
            drawn.add(FaultClass.REDEPLOY);
        }
        Map<Integer, SimRecord> records = records(r, drawn);
        List<ShardSpec> shards = new Topology(r, drawn, records.size()).build();
        List<Action> actions = schedule(r, drawn, shards, records.size());
        return new History(seed, variant, records, shards, actions, drawn);
    }

    private static Map<Integer, SimRecord> records(SplittableRandom r, Set<FaultClass> drawn) {
        int n = 50 + r.nextInt(300);
        int categories = 1 + r.nextInt(4);
        long stepMillis = 150 + r.nextInt(1200);
        Map<Integer, SimRecord> records = new LinkedHashMap<>();
        List<Kind> forced = new ArrayList<>();
        drawn.forEach(c -> kindOf(c).ifPresent(forced::add));
        for (int i = 0; i < n; i++) {
            long base = T0 + i * stepMillis;
            Kind kind = Kind.ORDER;
            if (!forced.isEmpty() && r.nextInt(n - i) < forced.size()) {
                kind = forced.remove(r.nextInt(forced.size()));
            } else if (r.nextInt(100) < 6) {
                List<Kind> kinds = new ArrayList<>();
                drawn.forEach(c -> kindOf(c).ifPresent(kinds::add));
                if (!kinds.isEmpty()) {
                    kind = kinds.get(r.nextInt(kinds.size()));
                }
            }
            String category = "c-" + (1 + r.nextInt(categories));
            long amount = 1 + r.nextInt(100_000);
            long ts = base - r.nextInt(5_000);
            switch (kind) {
                case LATE -> ts = base - 60_000 - r.nextInt(180_000);
                case FAR_FUTURE -> ts = r.nextBoolean() ? YEAR_2100 + r.nextInt(1_000_000) : base * 1000;
                case OVERFLOW -> amount = Long.MAX_VALUE - r.nextInt(1_000) - (r.nextBoolean() ? 0 : Long.MAX_VALUE / 2);
                case MIN_TS -> ts = Long.MIN_VALUE;
                default -> { }
            }
            String line = new SimOrder(i, category, amount, ts).json();
            if (kind == Kind.MALFORMED) {
                line = switch (r.nextInt(4)) {
                    case 0 -> "{\"orderId\":\"o-" + i + "\",\"category\":";
                    case 1 -> "{\"orderId\":\"o-" + i + "\",\"userId\":\"u-1\",\"category\":\"" + category + "\",\"ts\":" + ts + "}";
                    case 2 -> "{\"orderId\":\"o-" + i + "\",\"userId\":\"u-1\",\"category\":\"" + category
                            + "\",\"amount\":\"lots\",\"ts\":" + ts + "}";
                    default -> "not json at all " + i;
                };
            }
            records.put(i, new SimRecord(i, kind, category, amount, ts, line));
        }
        return records;
    }

    private static Optional<Kind> kindOf(FaultClass c) {
        return switch (c) {
            case LATE -> Optional.of(Kind.LATE);
            case MALFORMED -> Optional.of(Kind.MALFORMED);
            case FAR_FUTURE -> Optional.of(Kind.FAR_FUTURE);
            case OVERFLOW -> Optional.of(Kind.OVERFLOW);
            case MIN_TS -> Optional.of(Kind.MIN_TS);
            default -> Optional.empty();
        };
    }

    /** The JSON line of an order, as {@code Order.toJson} writes it. */
    private record SimOrder(int id, String category, long amount, long ts) {
        String json() {
            return "{\"orderId\":\"o-" + id + "\",\"userId\":\"u-" + (id % 97) + "\",\"category\":\"" + category
                    + "\",\"amount\":" + amount + ",\"ts\":" + ts + "}";
        }
    }

    /** Shards and reshards, and which shard each record is put on (by a random partition key). */
    private static final class Topology {
        private final SplittableRandom r;
        private final Set<FaultClass> drawn;
        private final int n;
        private final List<String> ids = new ArrayList<>();
        private final List<List<String>> parents = new ArrayList<>();
        private final List<List<Integer>> held = new ArrayList<>();
        private final List<Integer> revealedBy = new ArrayList<>();
        private final List<Integer> open = new ArrayList<>();
        private final List<Boolean> starved = new ArrayList<>();

        Topology(SplittableRandom r, Set<FaultClass> drawn, int n) {
            this.r = r;
            this.drawn = drawn;
            this.n = n;
        }

        private int add(List<String> parentIds, int event, boolean empty) {
            int index = ids.size();
            ids.add(String.format("shardId-%012d", index));
            parents.add(parentIds);
            held.add(new ArrayList<>());
            revealedBy.add(event);
            starved.add(empty);
            open.add(index);
            return index;
        }

        List<ShardSpec> build() {
            int initial = 1 + r.nextInt(3);
            boolean emptyShard = drawn.contains(FaultClass.EMPTY_SHARD);
            int emptyOriginal = emptyShard && initial > 1 && r.nextBoolean() ? r.nextInt(initial) : -1;
            for (int i = 0; i < initial; i++) {
                add(List.of(), -1, i == emptyOriginal);
            }
            List<Integer> at = new ArrayList<>();
            List<Boolean> isSplit = new ArrayList<>();
            if (drawn.contains(FaultClass.RESHARD_SPLIT)) {
                for (int i = 1 + r.nextInt(2); i > 0; i--) {
                    at.add(n / 5 + r.nextInt(Math.max(1, 3 * n / 5)));
                    isSplit.add(true);
                }
            }
            if (drawn.contains(FaultClass.RESHARD_MERGE)) {
                at.add(n / 5 + r.nextInt(Math.max(1, 3 * n / 5)));
                isSplit.add(false);
            }
            // Order events by position (stable, so the same seed gives the same order).
            List<int[]> events = new ArrayList<>();
            for (int i = 0; i < at.size(); i++) {
                events.add(new int[] {at.get(i), isSplit.get(i) ? 1 : 0});
            }
            events.sort((a, b) -> Integer.compare(a[0], b[0]));
            int event = 0;
            int next = 0;
            for (int i = 0; i < n; i++) {
                while (next < events.size() && events.get(next)[0] == i) {
                    if (reshard(events.get(next)[1] == 1, event, emptyShard)) {
                        event++;
                    }
                    next++;
                }
                List<Integer> fed = open.stream().filter(s -> !starved.get(s)).toList();
                int shard = fed.isEmpty() ? open.get(r.nextInt(open.size())) : fed.get(r.nextInt(fed.size()));
                held.get(shard).add(i);
            }
            List<ShardSpec> specs = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                specs.add(new ShardSpec(ids.get(i), parents.get(i), held.get(i), revealedBy.get(i)));
            }
            return specs;
        }

        private boolean reshard(boolean split, int event, boolean emptyShard) {
            if (split) {
                int parent = open.remove(r.nextInt(open.size()));
                boolean emptyChild = emptyShard && r.nextBoolean();
                int first = add(List.of(ids.get(parent)), event, false);
                add(List.of(ids.get(parent)), event, emptyChild);
                starved.set(first, false);
                return true;
            }
            if (open.size() < 2) {
                return false;
            }
            int i = r.nextInt(open.size() - 1);
            int a = open.remove(i);
            int b = open.remove(i);
            add(List.of(ids.get(a), ids.get(b)), event, false);
            return true;
        }
    }

    /**
     * The schedule, generated against a model of the shards' progress so most deliveries apply: a shard is delivered
     * once its reshard happened and its parents are drained. Reshards happen when the records before them have
     * mostly been delivered.
     */
    private static List<Action> schedule(SplittableRandom r, Set<FaultClass> drawn, List<ShardSpec> shards, int n) {
        int slots = drawn.contains(FaultClass.INSTANCES) ? 2 + r.nextInt(3) : 1;
        List<FaultType> faults = new ArrayList<>();
        if (drawn.contains(FaultClass.CRASH)) {
            faults.add(FaultType.CRASH);
        }
        if (drawn.contains(FaultClass.THROTTLE)) {
            faults.add(FaultType.THROTTLE);
        }
        if (drawn.contains(FaultClass.OVERLAP)) {
            faults.add(FaultType.OVERLAP);
        }
        if (drawn.contains(FaultClass.FIRE)) {
            faults.add(FaultType.FIRE_DURING);
        }
        if (drawn.contains(FaultClass.GIVE_UP)) {
            faults.add(FaultType.GIVE_UP);
        }
        if (drawn.contains(FaultClass.GIVE_UP_UNRECORDED)) {
            faults.add(FaultType.GIVE_UP_UNRECORDED);
        }
        int[] cursor = new int[shards.size()];
        int reshards = 0;
        for (ShardSpec s : shards) {
            reshards = Math.max(reshards, s.revealedBy() + 1);
        }
        int revealed = 0;
        int delivered = 0;
        int starvedShard = drawn.contains(FaultClass.IDLE) ? r.nextInt(shards.size()) : -1;
        int maxBatch = r.nextBoolean() ? 10 : 100;
        List<Action> actions = new ArrayList<>();
        while (actions.size() < MAX_ACTIONS) {
            if (revealed < reshards && delivered >= firstRecordOf(shards, revealed) - 20) {
                actions.add(new Action.Reshard(revealed++));
                continue;
            }
            int p = r.nextInt(100);
            if (p < 6 && drawn.contains(FaultClass.FIRE)) {
                actions.add(new Action.Fire(r.nextInt(slots)));
                continue;
            }
            if (p < 12 && drawn.contains(FaultClass.DUPLICATE)) {
                int s = r.nextInt(shards.size());
                if (cursor[s] > 0) {
                    actions.add(new Action.Redeliver(s, r.nextInt(slots), 1 + r.nextInt(cursor[s])));
                }
                continue;
            }
            if (p < 16 && drawn.contains(FaultClass.IDLE)) {
                actions.add(new Action.Pause(61_000 + r.nextInt(120_000)));
                continue;
            }
            List<Integer> ready = new ArrayList<>();
            for (int s = 0; s < shards.size(); s++) {
                if (deliverable(shards, s, cursor, revealed) && (s != starvedShard || r.nextInt(10) == 0)) {
                    ready.add(s);
                }
            }
            if (ready.isEmpty()) {
                if (delivered >= n || revealed >= reshards) {
                    break;
                }
                actions.add(new Action.Reshard(revealed++));
                continue;
            }
            int s = ready.get(r.nextInt(ready.size()));
            int size = 1 + r.nextInt(maxBatch);
            int step = Math.min(size, shards.get(s).records().size() - cursor[s]);
            FaultType fault = FaultType.NONE;
            if (!faults.isEmpty() && r.nextInt(100) < 25) {
                fault = faults.get(r.nextInt(faults.size()));
                // GIVE_UP_UNRECORDED too: a shard's last batch given up on is never passed by the operator, so it
                // would keep an earlier recorded range from being read back (the simulator finishes every split at
                // the end, which the operator does only through a child that reads the range back first).
                if ((fault == FaultType.GIVE_UP || fault == FaultType.GIVE_UP_UNRECORDED)
                        && !followed(shards, s, cursor[s] + step)) {
                    fault = FaultType.NONE;   // nothing would ever read it back: the documented limit, not drawn
                }
            }
            actions.add(new Action.Deliver(s, r.nextInt(slots), shards.get(s).records().get(cursor[s] + step - 1),
                    fault, r.nextInt(8 + Math.min(step, 40)), r.nextInt(slots),
                    drawn.contains(FaultClass.BISECT) && r.nextBoolean()));
            cursor[s] += step;
            delivered += step;
        }
        return actions;
    }

    /**
     * Whether records after {@code next} of shard {@code s}, or a child of it that gets records, follow a batch ending
     * before it: only they read an abandoned range back (a child that never gets a record never finishes its parent).
     */
    private static boolean followed(List<ShardSpec> shards, int s, int next) {
        if (next < shards.get(s).records().size()) {
            return true;
        }
        String id = shards.get(s).id();
        return shards.stream().anyMatch(c -> c.parents().contains(id) && !c.records().isEmpty());
    }

    private static int firstRecordOf(List<ShardSpec> shards, int event) {
        int first = Integer.MAX_VALUE;
        for (ShardSpec s : shards) {
            if (s.revealedBy() == event && !s.records().isEmpty()) {
                first = Math.min(first, s.records().get(0));
            }
        }
        return first == Integer.MAX_VALUE ? 0 : first;
    }

    static boolean deliverable(List<ShardSpec> shards, int s, int[] cursor, int revealed) {
        ShardSpec shard = shards.get(s);
        if (shard.revealedBy() >= revealed || cursor[s] >= shard.records().size()) {
            return false;
        }
        for (String parent : shard.parents()) {
            if (!drained(shards, parent, cursor)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether a shard is fully read in Lambda's sense: its records delivered and its own parents drained before it,
     * transitively (a merged shard with no records of its own is not finished while a grandparent still has records).
     */
    private static boolean drained(List<ShardSpec> shards, String id, int[] cursor) {
        for (int p = 0; p < shards.size(); p++) {
            ShardSpec shard = shards.get(p);
            if (shard.id().equals(id)) {
                if (cursor[p] < shard.records().size()) {
                    return false;
                }
                for (String parent : shard.parents()) {
                    if (!drained(shards, parent, cursor)) {
                        return false;
                    }
                }
                return true;
            }
        }
        return true;
    }
}
