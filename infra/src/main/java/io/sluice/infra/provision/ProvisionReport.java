package io.sluice.infra.provision;

import java.util.List;

/**
 * What {@link Provisioner#provision} did.
 *
 * @param entries one per resource of the template, in document order
 */
public record ProvisionReport(List<Entry> entries) {

    /** What happened to a resource. */
    public enum Outcome { CREATED, EXISTED, SKIPPED }

    /**
     * @param logicalId key under Resources
     * @param type CloudFormation type
     * @param physicalName the name it has locally
     * @param outcome created, already there, or a type not provisioned locally (functions, roles, ...)
     */
    public record Entry(String logicalId, String type, String physicalName, Outcome outcome) { }

    /** @return one line per resource, e.g. {@code CREATED  AWS::Kinesis::Stream  OrdersStream  sluice-dev-orders} */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (Entry e : entries) {
            sb.append(String.format("%-8s %-27s %-20s %s%n", e.outcome(), e.type(), e.logicalId(), e.physicalName()));
        }
        return sb.toString();
    }
}
