/**
 * What a deployed function is built from: {@link io.sluice.functions.wiring.HandlerConfig} (the {@code SLUICE_*}
 * environment {@code template.yaml} sets) and {@link io.sluice.functions.wiring.LambdaWiring} (the pipeline from the
 * registry, the DynamoDB state store, the sinks, the metrics line and the driver's operators, built once per
 * instance), {@link io.sluice.functions.wiring.SdkClients} (the SDK clients, on one Apache HttpClient 5: the cheapest
 * per call of the SDK's HTTP clients, measured) and {@link io.sluice.functions.wiring.LambdaLogging} (JSON log lines on
 * Lambda). The Lambda handlers, the
 * orchestrator's handlers and the CLI's local deployments all wire through here.
 *
 * <pre>{@code
 * LambdaWiring wiring = LambdaWiring.of(HandlerConfig.from(System.getenv()), clients);
 * KinesisOperator operator = wiring.kinesisOperator(Clock.systemUTC(), System.out);
 * }</pre>
 */
package io.sluice.functions.wiring;
