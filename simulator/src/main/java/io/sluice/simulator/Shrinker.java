package io.sluice.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Makes a failing history smaller while the same invariant still breaks: drops chunks of the schedule (halves, then
 * quarters, ... down to single actions), then the faults of the remaining deliveries, then chunks of records.
 * Bounded by a number of re-runs; every candidate is replayed from scratch, so the result replays the violation.
 */
final class Shrinker {

    private final String invariant;
    private final HistoryRunner.PlantedBug planted;
    private int runsLeft;

    Shrinker(String invariant, HistoryRunner.PlantedBug planted, int budget) {
        this.invariant = invariant;
        this.planted = planted;
        this.runsLeft = budget;
    }

    /** Whether {@code h} still breaks the invariant (false once the budget is spent). */
    boolean fails(History h) {
        if (runsLeft <= 0) {
            return false;
        }
        runsLeft--;
        Outcome o = new HistoryRunner(h, false, planted).run();
        return Checker.check(h, o).stream().anyMatch(v -> v.invariant().equals(invariant));
    }

    History shrink(History h) {
        History current = h;
        current = dropRecords(current);
        current = dropActions(current);
        current = dropFaults(current);
        current = dropRecords(current);
        return dropActions(current);
    }

    private History dropActions(History h) {
        List<Action> actions = new ArrayList<>(h.actions());
        History current = h;
        for (int chunk = Math.max(1, actions.size() / 2); chunk >= 1; chunk /= 2) {
            int i = 0;
            while (i < actions.size()) {
                List<Action> candidate = new ArrayList<>(actions.subList(0, i));
                candidate.addAll(actions.subList(Math.min(actions.size(), i + chunk), actions.size()));
                History next = current.withActions(candidate);
                if (fails(next)) {
                    actions = candidate;
                    current = next;
                } else {
                    i += chunk;
                }
            }
            if (chunk == 1) {
                break;
            }
        }
        return current;
    }

    private History dropFaults(History h) {
        List<Action> actions = new ArrayList<>(h.actions());
        History current = h;
        for (int i = 0; i < actions.size(); i++) {
            if (actions.get(i) instanceof Action.Deliver d
                    && (d.fault() != Action.FaultType.NONE || d.bisect())) {
                List<Action> candidate = new ArrayList<>(actions);
                candidate.set(i, d.withoutFault());
                History next = current.withActions(candidate);
                if (fails(next)) {
                    actions = candidate;
                    current = next;
                }
            }
        }
        return current;
    }

    private History dropRecords(History h) {
        List<Integer> ids = new ArrayList<>(h.records().keySet());
        History current = h;
        for (int chunk = Math.max(1, ids.size() / 2); chunk >= 1; chunk /= 2) {
            int i = 0;
            while (i < ids.size()) {
                List<Integer> candidate = new ArrayList<>(ids.subList(0, i));
                candidate.addAll(ids.subList(Math.min(ids.size(), i + chunk), ids.size()));
                Set<Integer> kept = new TreeSet<>(candidate);
                History next = current.withRecords(kept);
                if (!candidate.isEmpty() && fails(next)) {
                    ids = candidate;
                    current = next;
                } else {
                    i += chunk;
                }
            }
            if (chunk == 1) {
                break;
            }
        }
        return current;
    }
}
