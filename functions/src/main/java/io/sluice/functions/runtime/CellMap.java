package io.sluice.functions.runtime;

import java.util.AbstractCollection;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * The cells of one slot (or one partial item) by key: an open-addressing table that spreads keys by a multiplicative
 * (Fibonacci) hash of {@code String.hashCode}, taking its high bits.
 *
 * <p>Why not {@code HashMap}: keys such as {@code c-0 … c-999} differ in their last characters only, and
 * {@code String.hashCode} (a polynomial in 31) maps them onto a few runs of nearby values whose low bits, the bits
 * {@code HashMap} indexes by, fill a fraction of the bins: at 64 bins, 18 of them hold 1,000 such keys, 30-40 each,
 * so bins turn into red-black trees and every lookup compares strings (13 % of a batch run's CPU, BENCHMARKS.md,
 * issue 15). A partial item is worse: its keys share {@code hashCode mod buckets} by construction. Multiplying by
 * 2^32/phi mixes every bit of the hash into the high bits: 1,000 such keys in 2,048 slots probe 1.3 times on
 * average ({@code CellMapTest}).
 *
 * <p>Supports what the runtime does with a combiner map: {@code get}, {@code put}, {@code containsKey},
 * iteration, {@code size}, {@code clear}. Removing a key is not supported (the combiner only adds). Not thread-safe;
 * {@code null} keys and values are refused.
 *
 * <pre>{@code
 * Map<String, Cell> cells = new CellMap();
 * cells.put("c-42", new Cell("c-42", 0, 60_000, acc));
 * cells.get("c-42");
 * }</pre>
 */
final class CellMap extends AbstractMap<String, Cell> {

    private static final int MIN_CAPACITY = 16;

    private String[] keys;
    private Cell[] values;
    private int shift;
    private int size;

    CellMap() {
        this(MIN_CAPACITY);
    }

    /** A map that holds {@code expected} keys without growing. */
    CellMap(int expected) {
        int capacity = MIN_CAPACITY;
        while (capacity < 2L * expected && capacity < 1 << 30) {
            capacity <<= 1;
        }
        allocate(capacity);
    }

    private void allocate(int capacity) {
        keys = new String[capacity];
        values = new Cell[capacity];
        shift = Integer.numberOfLeadingZeros(capacity) + 1;
    }

    /** The home slot of a hash: its product with 2^32/phi, top bits (Knuth's multiplicative hashing). */
    private int home(int hash) {
        return (hash * 0x9E3779B9) >>> shift;
    }

    /** The slot holding {@code key}, or the empty slot where it would go. */
    private int find(String key) {
        int mask = keys.length - 1;
        int i = home(key.hashCode());
        while (true) {
            String k = keys[i];
            if (k == null || k == key || k.equals(key)) {   // same instance first: the decoder's cached strings
                return i;
            }
            i = (i + 1) & mask;
        }
    }

    @Override
    public Cell get(Object key) {
        if (!(key instanceof String s)) {
            return null;
        }
        return values[find(s)];
    }

    @Override
    public boolean containsKey(Object key) {
        return get(key) != null;
    }

    @Override
    public Cell put(String key, Cell value) {
        if (key == null || value == null) {
            throw new NullPointerException("a cell map holds no null key or value");
        }
        int i = find(key);
        Cell previous = values[i];
        if (previous == null) {
            keys[i] = key;
            values[i] = value;
            if (++size * 2 > keys.length) {
                grow();
            }
        } else {
            values[i] = value;
        }
        return previous;
    }

    private void grow() {
        String[] oldKeys = keys;
        Cell[] oldValues = values;
        allocate(oldKeys.length * 2);
        for (int j = 0; j < oldKeys.length; j++) {
            if (oldKeys[j] != null) {
                int i = find(oldKeys[j]);
                keys[i] = oldKeys[j];
                values[i] = oldValues[j];
            }
        }
    }

    @Override
    public Cell remove(Object key) {
        throw new UnsupportedOperationException("a combiner's cell map only adds keys");
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void clear() {
        java.util.Arrays.fill(keys, null);
        java.util.Arrays.fill(values, null);
        size = 0;
    }

    /** Average probes of a successful lookup, for tests of the hash's spread. */
    double averageProbes() {
        long probes = 0;
        int mask = keys.length - 1;
        for (int j = 0; j < keys.length; j++) {
            if (keys[j] != null) {
                probes += ((j - home(keys[j].hashCode())) & mask) + 1;
            }
        }
        return size == 0 ? 0 : (double) probes / size;
    }

    @Override
    public Collection<Cell> values() {
        return new AbstractCollection<>() {
            @Override
            public Iterator<Cell> iterator() {
                return new Slots<>() {
                    @Override
                    Cell at(int i) {
                        return values[i];
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    @Override
    public Set<Map.Entry<String, Cell>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, Cell>> iterator() {
                return new Slots<>() {
                    @Override
                    Map.Entry<String, Cell> at(int i) {
                        return new SimpleImmutableEntry<>(keys[i], values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** Walks the occupied slots in table order. */
    private abstract class Slots<E> implements Iterator<E> {
        private int next = advance(0);

        private int advance(int from) {
            int i = from;
            while (i < keys.length && keys[i] == null) {
                i++;
            }
            return i;
        }

        abstract E at(int i);

        @Override
        public boolean hasNext() {
            return next < keys.length;
        }

        @Override
        public E next() {
            if (next >= keys.length) {
                throw new NoSuchElementException();
            }
            E e = at(next);
            next = advance(next + 1);
            return e;
        }
    }
}
