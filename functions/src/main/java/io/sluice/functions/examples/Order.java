package io.sluice.functions.examples;

/**
 * One order of the reference workload, as a JSON line:
 * {@code {"orderId":"o-123","userId":"u-4567","category":"c-42","amount":1999,"ts":1605052800123}}.
 *
 * @param orderId  unique order id
 * @param userId   buyer
 * @param category product category
 * @param amount   amount in integer cents; negative for refunds
 * @param ts       event time, epoch milliseconds
 */
public record Order(String orderId, String userId, String category, long amount, long ts) {

    /** This order as one JSON line, without the line terminator. */
    public String toJson() {
        return "{\"orderId\":\"" + orderId + "\",\"userId\":\"" + userId + "\",\"category\":\"" + category
                + "\",\"amount\":" + amount + ",\"ts\":" + ts + "}";
    }
}
