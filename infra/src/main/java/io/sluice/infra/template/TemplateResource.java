package io.sluice.infra.template;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One entry of the template's {@code Resources}, with its properties as written (intrinsic functions
 * unresolved: use {@link Template#resolve(JsonNode)}).
 *
 * @param logicalId the key under {@code Resources}
 * @param type e.g. {@code AWS::Kinesis::Stream}
 * @param properties the {@code Properties} object (empty if absent)
 */
public record TemplateResource(String logicalId, String type, JsonNode properties) {
}
