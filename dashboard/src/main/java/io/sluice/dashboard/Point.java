package io.sluice.dashboard;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One window of a series, as JSON {@code {"t":1605052800000,"count":12,"sumCents":23988,"final":true}}: its start
 * (epoch ms), orders, GMV in cents, and whether every row summed into it is final.
 */
public record Point(long t, long count, long sumCents, @JsonProperty("final") boolean isFinal) {

    Point plus(ResultItem row) {
        return new Point(t, Math.addExact(count, row.count()), Math.addExact(sumCents, row.sumCents()),
                isFinal && row.isFinal());
    }

    Point at(long alignedT) {
        return new Point(alignedT, count, sumCents, isFinal);
    }
}
