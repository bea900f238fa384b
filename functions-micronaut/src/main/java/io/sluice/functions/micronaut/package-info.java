/**
 * The Micronaut variant of the Kinesis operator handler ({@link io.sluice.functions.micronaut.MicronautKinesisOperatorHandler},
 * its operator injected from {@link io.sluice.functions.micronaut.OperatorFactory}), kept out of the Lambda jar in a
 * module and jar of its own ({@code functions-micronaut/target/sluice-functions-micronaut.jar}) so its cold start can
 * be compared with the plain handler the template deploys (BENCHMARKS.md, Lambda handlers).
 */
package io.sluice.functions.micronaut;
