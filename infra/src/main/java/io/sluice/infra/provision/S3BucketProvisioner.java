package io.sluice.infra.provision;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateResource;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyExistsException;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** {@code AWS::S3::Bucket}: the bucket and its public access block. */
final class S3BucketProvisioner implements ResourceProvisioner {

    @Override
    public boolean provision(TemplateResource resource, Template template, SdkClients clients) {
        JsonNode p = template.resolve(resource.properties());
        String name = template.physicalName(resource.logicalId());
        try (S3Client s3 = clients.s3().get()) {
            try {
                // CreateBucket on an own bucket succeeds in us-east-1 (legacy S3 behaviour), so ask first.
                s3.headBucket(b -> b.bucket(name));
                return false;
            } catch (NoSuchBucketException absent) {
                // create below
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
            }
            try {
                s3.createBucket(b -> {
                    b.bucket(name);
                    if (!clients.region().id().equals("us-east-1")) {
                        b.createBucketConfiguration(c -> c.locationConstraint(clients.region().id()));
                    }
                });
            } catch (BucketAlreadyOwnedByYouException | BucketAlreadyExistsException exists) {
                return false;
            }
            JsonNode block = p.path("PublicAccessBlockConfiguration");
            if (!block.isMissingNode()) {
                s3.putPublicAccessBlock(b -> b.bucket(name).publicAccessBlockConfiguration(c -> c
                        .blockPublicAcls(block.path("BlockPublicAcls").asBoolean())
                        .blockPublicPolicy(block.path("BlockPublicPolicy").asBoolean())
                        .ignorePublicAcls(block.path("IgnorePublicAcls").asBoolean())
                        .restrictPublicBuckets(block.path("RestrictPublicBuckets").asBoolean())));
            }
            return true;
        }
    }
}
