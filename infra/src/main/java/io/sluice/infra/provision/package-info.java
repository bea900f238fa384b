/**
 * Provisions what {@code template.yaml} declares (Kinesis streams, DynamoDB tables, S3 buckets, SQS queues) into any
 * endpoint through the SDK clients it is given ({@link io.sluice.infra.provision.SdkClients}); idempotent, with a
 * {@link io.sluice.infra.provision.ProvisionReport} of what was created, found or skipped. Knows nothing of local AWS:
 * the CLI hands it the local endpoint's clients.
 */
package io.sluice.infra.provision;
