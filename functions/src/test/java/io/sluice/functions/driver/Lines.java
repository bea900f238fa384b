package io.sluice.functions.driver;

import io.sluice.functions.examples.Order;
import io.sluice.functions.runtime.RecordBatch;
import io.sluice.state.Fence;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A test batch: lines with consecutive ordinal fences from {@code first}. */
record Lines(List<String> lines, long first) implements RecordBatch {

    /** Orders of category {@code c-1}, amount 100, at the given timestamps. */
    static Lines orders(long first, long... timestamps) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < timestamps.length; i++) {
            lines.add(new Order("o-" + (first + i), "u-1", "c-1", 100, timestamps[i]).toJson());
        }
        return new Lines(lines, first);
    }

    static Lines of(long first, Order... orders) {
        List<String> lines = new ArrayList<>();
        for (Order o : orders) {
            lines.add(o.toJson());
        }
        return new Lines(lines, first);
    }

    Lines slice(int from, int to) {
        return new Lines(lines.subList(from, to), first + from);
    }

    @Override
    public int size() {
        return lines.size();
    }

    @Override
    public byte[] buffer(int i) {
        return lines.get(i).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int offset(int i) {
        return 0;
    }

    @Override
    public int length(int i) {
        return buffer(i).length;
    }

    @Override
    public Fence fence(int i) {
        return Fence.ofOrdinal(first + i);
    }

    @Override
    public String position(int i) {
        return "seq=" + (first + i);
    }
}
