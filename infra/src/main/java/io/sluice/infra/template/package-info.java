/**
 * Reads {@code template.yaml} (SAM/CloudFormation YAML with its short-form intrinsics) into
 * {@link io.sluice.infra.template.Template}: resources, parameters, physical names; and its Kinesis events into
 * {@link io.sluice.infra.template.KinesisEventSource}s with infra's own
 * {@link io.sluice.infra.template.KinesisEventSettings} (SAM's names, Lambda's defaults and bounds), which the CLI maps
 * onto the local event-source mapping. The template is the single source of truth for local and cloud.
 */
package io.sluice.infra.template;
