package io.sluice.cli;

import io.sluice.infra.provision.ProvisionReport;
import io.sluice.infra.provision.Provisioner;
import io.sluice.infra.provision.SdkClients;
import io.sluice.infra.template.Template;
import io.sluice.localstack.LocalAws;

/**
 * Provisions a template into local AWS: {@code infra} takes SDK clients and knows nothing of {@link LocalAws}, so the
 * CLI hands it the local endpoint's clients.
 *
 * <pre>{@code
 * LocalProvisioning.provision(template, aws);
 * }</pre>
 */
public final class LocalProvisioning {

    private LocalProvisioning() {
    }

    /** The clients of {@code aws}, a new one per call, as the provisioners close theirs. */
    public static SdkClients clients(LocalAws aws) {
        return new SdkClients(aws::kinesis, aws::dynamoDb, aws::s3, aws::sqs, aws.region());
    }

    /** @return what was created, found or skipped */
    public static ProvisionReport provision(Template template, LocalAws aws) {
        return Provisioner.provision(template, clients(aws));
    }
}
