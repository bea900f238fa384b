package io.sluice.infra.provision;

import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateResource;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Creates the Kinesis streams, DynamoDB tables, S3 buckets and SQS queues that a template declares, with
 * the template's names and settings, in any endpoint (emulators, LocalStack, even a real account).
 * Idempotent: resources that exist are left as they are. Other types (functions, roles, ...) are
 * reported as skipped: functions run through the local event-source-mapping runtime instead.
 *
 * <pre>{@code
 * Template template = Template.load(Template.locate(), TemplateOptions.local());
 * ProvisionReport report = Provisioner.provision(template, new SdkClients(aws::kinesis, aws::dynamoDb, aws::s3, aws::sqs, clients.region()));
 * }</pre>
 *
 * <p>Encryption, point-in-time recovery and lifecycle settings are not applied locally: the engines do
 * not implement them meaningfully, and the template remains their source for deployment.
 */
public final class Provisioner {
    private static final System.Logger LOG = System.getLogger(Provisioner.class.getName());
    private static final Map<String, ResourceProvisioner> BY_TYPE = Map.of(
            "AWS::Kinesis::Stream", new KinesisStreamProvisioner(),
            "AWS::DynamoDB::Table", new DynamoDbTableProvisioner(),
            "AWS::S3::Bucket", new S3BucketProvisioner(),
            "AWS::SQS::Queue", new SqsQueueProvisioner());

    private Provisioner() {
    }

    /**
     * @param template the instantiated template
     * @param clients SDK clients of the endpoint to provision into
     * @return what was created, found or skipped
     */
    public static ProvisionReport provision(Template template, SdkClients clients) {
        long t0 = System.nanoTime();
        List<ProvisionReport.Entry> entries = new ArrayList<>();
        for (TemplateResource r : template.resources()) {
            ResourceProvisioner p = BY_TYPE.get(r.type());
            String name = template.physicalName(r.logicalId());
            ProvisionReport.Outcome outcome = p == null ? ProvisionReport.Outcome.SKIPPED
                    : p.provision(r, template, clients) ? ProvisionReport.Outcome.CREATED : ProvisionReport.Outcome.EXISTED;
            entries.add(new ProvisionReport.Entry(r.logicalId(), r.type(), name, outcome));
        }
        ProvisionReport report = new ProvisionReport(List.copyOf(entries));
        // One line: the caller prints the table (the CLI's `local up`) if it wants it.
        LOG.log(Level.INFO, "Provisioned " + template.options().stackName() + " in "
                + (System.nanoTime() - t0) / 1_000_000 + " ms: " + report.entries().stream()
                .collect(java.util.stream.Collectors.groupingBy(e -> e.outcome().name().toLowerCase(java.util.Locale.ROOT),
                        java.util.TreeMap::new, java.util.stream.Collectors.counting())));
        return report;
    }
}
