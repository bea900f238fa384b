package io.sluice.infra.provision;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateResource;

import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.StreamMode;

/** {@code AWS::Kinesis::Stream}: name, shard count or on-demand mode, retention; waits until ACTIVE. */
final class KinesisStreamProvisioner implements ResourceProvisioner {

    @Override
    public boolean provision(TemplateResource resource, Template template, SdkClients clients) {
        JsonNode p = template.resolve(resource.properties());
        String name = template.physicalName(resource.logicalId());
        boolean onDemand = p.path("StreamModeDetails").path("StreamMode").asText().equals("ON_DEMAND");
        try (KinesisClient kinesis = clients.kinesis().get()) {
            boolean created;
            try {
                kinesis.createStream(b -> {
                    b.streamName(name);
                    if (onDemand) {
                        b.streamModeDetails(m -> m.streamMode(StreamMode.ON_DEMAND));
                    } else {
                        b.shardCount(p.path("ShardCount").asInt(1));
                    }
                });
                created = true;
            } catch (ResourceInUseException exists) {
                created = false;
            }
            awaitActive(kinesis, name);
            int hours = p.path("RetentionPeriodHours").asInt(24);
            if (created && hours > 24) {
                kinesis.increaseStreamRetentionPeriod(b -> b.streamName(name).retentionPeriodHours(hours));
                awaitActive(kinesis, name);
            }
            return created;
        }
    }

    static void awaitActive(KinesisClient kinesis, String name) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary()
                .streamStatusAsString().equals("ACTIVE")) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Stream " + name + " not ACTIVE after 30 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted waiting for stream " + name, e);
            }
        }
    }
}
