package io.sluice.state;

import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The entries of a {@link Partial}: an immutable list, grouped by key, that a writer derives from the previous
 * version by replacing the groups of the keys a batch changed, sharing everything else. Deriving a version costs
 * O(changed groups x log32 groups), not O(entries): a partial of per-user sessions holds 57,000 keys, and copying its
 * entry list (and summing their sizes) on every batch of 1,000 records made a run O(N^2) (BENCHMARKS.md, issue 18).
 *
 * <pre>{@code
 * PartialEntries v1 = PartialEntries.ofGroups(List.of(new StateEntry[] {a}, new StateEntry[] {b})); // [a, b]
 * PartialEntries v2 = v1.withGroup(0, new StateEntry[] {a2});    // [a2, b]; v1 is still [a, b]
 * PartialEntries v3 = v2.withGroup(1, null);                     // [a2]: group 1 is a hole until compacted
 * PartialEntries v4 = v3.withGroupAppended(new StateEntry[] {c}); // [a2, c], c in group 2
 * new Partial(key, fence, v4).approximateSize();                 // O(1): sizes are kept per node
 * }</pre>
 *
 * <p>Layout: a persistent vector of <em>groups</em> (one key's entries, in order; {@code null} for a removed key), a
 * trie of 32-wide nodes, each node holding its subtree's entry count, approximate bytes and largest accumulator, so
 * {@link #size()}, {@link #approximateBytes()} and {@link #largestAccumulatorBytes()} are O(1) and {@link #get} is
 * O(log n). The list is the groups' entries in group order: a removed key leaves a hole and a re-added one goes to
 * the end, exactly as a {@code LinkedHashMap} of keys would order them, so what a store writes is what a copied
 * list in that order would write. Equal to any {@link List} with the same entries in the same order.
 *
 * <p>Immutable and thread-safe: groups are copied on the way in, never handed out, and nodes are never changed after
 * construction, so a stored version never changes under its reader whatever later versions a writer derives.
 */
public final class PartialEntries extends AbstractList<StateEntry> {

    private static final int BITS = 5;
    private static final int WIDTH = 1 << BITS;
    private static final int MASK = WIDTH - 1;

    /** No entries. */
    public static final PartialEntries EMPTY = new PartialEntries(null, 0, 0, 0);

    /** Children: {@code Node[]} above the leaves, {@code StateEntry[]} groups (or null holes) in a leaf. */
    private static final class Node {
        final Object[] children;
        final int count;
        final long bytes;
        final int largest;

        Node(Object[] children, boolean leaf) {
            this.children = children;
            int c = 0;
            long b = 0;
            int l = 0;
            for (Object child : children) {
                if (child == null) {
                    continue;
                }
                if (leaf) {
                    for (StateEntry e : (StateEntry[]) child) {
                        c++;
                        b += e.approximateSize();
                        l = Math.max(l, e.accumulator().length);
                    }
                } else {
                    Node n = (Node) child;
                    c += n.count;
                    b += n.bytes;
                    l = Math.max(l, n.largest);
                }
            }
            this.count = c;
            this.bytes = b;
            this.largest = l;
        }
    }

    private final Node root;
    /** Bit shift of the root's level: 0 when the root is a leaf. */
    private final int shift;
    /** Groups (holes included): the index the next {@link #withGroupAppended} takes. */
    private final int groups;
    private final int holes;

    private PartialEntries(Node root, int shift, int groups, int holes) {
        this.root = root;
        this.shift = shift;
        this.groups = groups;
        this.holes = holes;
    }

    /**
     * {@code entries} as a {@code PartialEntries}: itself if it is one (O(1)), else a copy with one group per entry.
     *
     * @throws NullPointerException if {@code entries} or one of them is null
     */
    public static PartialEntries copyOf(List<StateEntry> entries) {
        if (entries instanceof PartialEntries p) {
            return p;
        }
        List<StateEntry[]> groups = new ArrayList<>(entries.size());
        for (StateEntry e : entries) {
            groups.add(new StateEntry[] {Objects.requireNonNull(e, "entry")});
        }
        return ofGroups(groups);
    }

    /**
     * The entries of {@code groups}, in order, group {@code i} at index {@code i}; built bottom-up in O(entries). A
     * null or empty group is a hole.
     */
    public static PartialEntries ofGroups(List<StateEntry[]> groups) {
        if (groups.isEmpty()) {
            return EMPTY;
        }
        List<Node> level = new ArrayList<>((groups.size() + MASK) / WIDTH);
        int holes = 0;
        for (int from = 0; from < groups.size(); from += WIDTH) {
            Object[] leaf = new Object[WIDTH];
            for (int i = from; i < Math.min(groups.size(), from + WIDTH); i++) {
                leaf[i - from] = copy(groups.get(i));
                holes += leaf[i - from] == null ? 1 : 0;
            }
            level.add(new Node(leaf, true));
        }
        int shift = 0;
        while (level.size() > 1) {
            List<Node> up = new ArrayList<>((level.size() + MASK) / WIDTH);
            for (int from = 0; from < level.size(); from += WIDTH) {
                Object[] children = new Object[WIDTH];
                for (int i = from; i < Math.min(level.size(), from + WIDTH); i++) {
                    children[i - from] = level.get(i);
                }
                up.add(new Node(children, false));
            }
            level = up;
            shift += BITS;
        }
        return new PartialEntries(level.get(0), shift, groups.size(), holes);
    }

    /** Number of groups, holes included: the index the next {@link #withGroupAppended} takes. */
    public int groups() {
        return groups;
    }

    /** Groups that are holes (removed keys); {@link #compacted} drops them. */
    public int holes() {
        return holes;
    }

    /** Sum of {@link StateEntry#approximateSize()} over the entries; O(1). */
    public long approximateBytes() {
        return root == null ? 0 : root.bytes;
    }

    /** The largest accumulator among the entries, in bytes (0 if none); O(1). */
    public int largestAccumulatorBytes() {
        return root == null ? 0 : root.largest;
    }

    /** The entries of group {@code index} (a copy), or an empty array for a hole. */
    public StateEntry[] group(int index) {
        Objects.checkIndex(index, groups);
        StateEntry[] g = (StateEntry[]) leafOf(index).children[index & MASK];
        return g == null ? new StateEntry[0] : g.clone();
    }

    /**
     * A version whose group {@code index} holds {@code group} (null or empty: a hole); this version is unchanged.
     * O(log32 groups).
     */
    public PartialEntries withGroup(int index, StateEntry[] group) {
        Objects.checkIndex(index, groups);
        return withGroups(new int[] {index}, new StateEntry[][] {group});
    }

    /** A version with {@code group} (null or empty: a hole) added as group {@link #groups()}. O(log32 groups). */
    public PartialEntries withGroupAppended(StateEntry[] group) {
        return withGroups(new int[] {groups}, new StateEntry[][] {group});
    }

    /**
     * A version with each group {@code indices[i]} holding {@code groups[i]} (null or empty: a hole), copying each node
     * on their paths once: a batch's changes to an item cost one pass, however many of its keys changed. Indices are
     * ascending; those at or past {@link #groups()} append, and must then continue it without a gap.
     *
     * @throws IllegalArgumentException if the indices are not ascending or leave a gap after {@link #groups()}
     */
    public PartialEntries withGroups(int[] indices, StateEntry[][] groups) {
        if (indices.length != groups.length) {
            throw new IllegalArgumentException(indices.length + " indices for " + groups.length + " groups");
        }
        if (indices.length == 0) {
            return this;
        }
        int size = this.groups;
        int h = holes;
        StateEntry[][] copies = new StateEntry[groups.length][];
        for (int i = 0; i < indices.length; i++) {
            int index = indices[i];
            if (index < 0 || (i > 0 && index <= indices[i - 1]) || index > size) {
                throw new IllegalArgumentException("group indices must ascend from within [0, " + this.groups
                        + "] without a gap, but " + index + " follows " + (i == 0 ? "nothing" : indices[i - 1]));
            }
            copies[i] = copy(groups[i]);
            boolean wasHole = index < this.groups && leafOf(index).children[index & MASK] == null;
            h += (copies[i] == null ? 1 : 0) - (wasHole ? 1 : 0);
            size = Math.max(size, index + 1);
        }
        Node node = root;
        int level = shift;
        while ((long) size > 1L << (level + BITS)) {   // grow levels until the last index fits
            Object[] children = new Object[WIDTH];
            children[0] = node;
            node = node == null ? null : new Node(children, false);
            level += BITS;
        }
        return new PartialEntries(assocAll(node, level, 0, indices, copies, 0, indices.length), level, size, h);
    }

    /** A copy of {@code node} (null: a new one) with groups {@code indices[from, to)}, all under it, set. */
    private static Node assocAll(Node node, int level, int base, int[] indices, StateEntry[][] groups, int from,
                                 int to) {
        Object[] children = node == null ? new Object[WIDTH] : node.children.clone();
        if (level == 0) {
            for (int i = from; i < to; i++) {
                children[indices[i] & MASK] = groups[i];
            }
            return new Node(children, true);
        }
        int i = from;
        while (i < to) {
            int child = (indices[i] - base) >>> level;
            int childBase = base + (child << level);
            int j = i;
            while (j < to && indices[j] - childBase < 1 << level) {
                j++;
            }
            children[child] = assocAll((Node) children[child], level - BITS, childBase, indices, groups, i, j);
            i = j;
        }
        return new Node(children, false);
    }

    /** The same entries without holes, group {@code i} of the result being the i-th non-hole group. O(entries). */
    public PartialEntries compacted() {
        if (holes == 0) {
            return this;
        }
        List<StateEntry[]> kept = new ArrayList<>(groups - holes);
        forEachLeaf(leaf -> {
            for (Object g : leaf.children) {
                if (g != null) {
                    kept.add((StateEntry[]) g);
                }
            }
        });
        return ofGroups(kept);
    }

    /** What {@link #forEachGroupChangedSince} reports of one group: its entries before and after (empty: none). */
    @FunctionalInterface
    public interface GroupChange {
        void accept(int index, List<StateEntry> before, List<StateEntry> after);
    }

    /**
     * Reports each group index whose entries here are not the very objects {@code previous} holds there (a group only
     * one of them has counts as empty in the other), in index order. Subtrees the two versions share are skipped, so
     * for a version derived from {@code previous} this costs O(changed groups x log32 groups); for unrelated versions
     * it compares every group, O(entries). The lists are read-only views.
     */
    public void forEachGroupChangedSince(PartialEntries previous, GroupChange change) {
        int levels = Math.max(shift, previous.shift);
        diff(raise(previous.root, previous.shift, levels), raise(root, shift, levels), levels, 0, change);
    }

    /** {@code node} as the first child of empty nodes up to {@code level}: the same groups at the same indices. */
    private static Node raise(Node node, int from, int level) {
        for (int l = from; node != null && l < level; l += BITS) {
            Object[] children = new Object[WIDTH];
            children[0] = node;
            node = new Node(children, false);
        }
        return node;
    }

    private static void diff(Node before, Node after, int level, int base, GroupChange change) {
        if (before == after) {
            return;
        }
        for (int i = 0; i < WIDTH; i++) {
            Object b = before == null ? null : before.children[i];
            Object a = after == null ? null : after.children[i];
            if (level > 0) {
                diff((Node) b, (Node) a, level - BITS, base + (i << level), change);
            } else if (!sameObjects((StateEntry[]) b, (StateEntry[]) a)) {
                change.accept(base + i, view((StateEntry[]) b), view((StateEntry[]) a));
            }
        }
    }

    private static boolean sameObjects(StateEntry[] a, StateEntry[] b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null || a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }

    private static List<StateEntry> view(StateEntry[] group) {
        return group == null ? List.of() : Collections.unmodifiableList(Arrays.asList(group));
    }

    @Override
    public int size() {
        return root == null ? 0 : root.count;
    }

    /** The entry at {@code index}, found by the nodes' counts: O(32 x log32 groups). */
    @Override
    public StateEntry get(int index) {
        Objects.checkIndex(index, size());
        Node node = root;
        int rest = index;
        for (int level = shift; level > 0; level -= BITS) {
            for (Object child : node.children) {
                Node n = (Node) child;
                if (n == null) {
                    continue;
                }
                if (rest < n.count) {
                    node = n;
                    break;
                }
                rest -= n.count;
            }
        }
        for (Object child : node.children) {
            StateEntry[] g = (StateEntry[]) child;
            if (g == null) {
                continue;
            }
            if (rest < g.length) {
                return g[rest];
            }
            rest -= g.length;
        }
        throw new IllegalStateException("node counts disagree with their groups");
    }

    /** Walks the leaves in order, one descent per leaf: O(entries) in all. */
    @Override
    public Iterator<StateEntry> iterator() {
        return new Iterator<>() {
            private int nextLeaf = 0;
            private Object[] leaf;
            private int slot = WIDTH;
            private StateEntry[] group;
            private int inGroup;

            @Override
            public boolean hasNext() {
                while (group == null || inGroup >= group.length) {
                    if (leaf == null || slot >= WIDTH) {
                        if ((long) nextLeaf * WIDTH >= groups) {
                            return false;
                        }
                        leaf = leafOf(nextLeaf * WIDTH).children;
                        nextLeaf++;
                        slot = 0;
                    }
                    group = (StateEntry[]) leaf[slot++];
                    inGroup = 0;
                }
                return true;
            }

            @Override
            public StateEntry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return group[inGroup++];
            }
        };
    }

    /** Content equality with any list, by iteration (not by {@link #get}, which is O(log n) here). */
    @Override
    public boolean equals(Object o) {
        if (o == this) {
            return true;
        }
        if (!(o instanceof List<?> other) || other.size() != size()) {
            return false;
        }
        Iterator<?> them = other.iterator();
        for (StateEntry e : this) {
            if (!e.equals(them.next())) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (StateEntry e : this) {
            h = 31 * h + e.hashCode();
        }
        return h;
    }

    private Node leafOf(int index) {
        Node node = root;
        for (int level = shift; level > 0; level -= BITS) {
            node = (Node) node.children[(index >>> level) & MASK];
        }
        return node;
    }

    private void forEachLeaf(java.util.function.Consumer<Node> action) {
        for (int from = 0; from < groups; from += WIDTH) {
            action.accept(leafOf(from));
        }
    }

    private static StateEntry[] copy(StateEntry[] group) {
        if (group == null || group.length == 0) {
            return null;
        }
        StateEntry[] g = group.clone();
        for (StateEntry e : g) {
            Objects.requireNonNull(e, "entry");
        }
        return g;
    }
}
