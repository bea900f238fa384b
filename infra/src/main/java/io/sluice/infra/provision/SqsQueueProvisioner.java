package io.sluice.infra.provision;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateResource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;

/**
 * {@code AWS::SQS::Queue} with its plain attributes (FIFO, visibility, retention, delay, sizes). A
 * {@code RedrivePolicy} is not applied locally: its target ARN carries the template's account id, which
 * differs from the engine's.
 */
final class SqsQueueProvisioner implements ResourceProvisioner {
    private static final List<String> ATTRIBUTES = List.of("FifoQueue", "ContentBasedDeduplication",
            "VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "MaximumMessageSize",
            "ReceiveMessageWaitTimeSeconds");

    @Override
    public boolean provision(TemplateResource resource, Template template, SdkClients clients) {
        JsonNode p = template.resolve(resource.properties());
        String name = template.physicalName(resource.logicalId());
        try (SqsClient sqs = clients.sqs().get()) {
            try {
                sqs.getQueueUrl(b -> b.queueName(name));
                return false;
            } catch (QueueDoesNotExistException absent) {
                // create below
            }
            Map<String, String> attributes = new LinkedHashMap<>();
            for (String a : ATTRIBUTES) {
                if (p.has(a)) {
                    attributes.put(a, p.get(a).asText());
                }
            }
            sqs.createQueue(b -> b.queueName(name).attributesWithStrings(attributes));
            return true;
        }
    }
}
