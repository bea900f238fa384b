/**
 * The emulators started as plain processes (no Docker): kinesis-mock or kinesalite for Kinesis
 * ({@link io.sluice.localstack.emulator.KinesisEngine}, installed from npm by
 * {@link io.sluice.localstack.emulator.KinesisMockInstaller}) and moto_server for the rest, on free loopback ports
 * below the ephemeral range, health-checked and stopped on exit ({@link io.sluice.localstack.emulator.ManagedProcess},
 * {@link io.sluice.localstack.emulator.EmulatorAws}). moto_server's table {@code Query} is narrowed to the queried
 * partition by {@code moto/sitecustomize.py} (see the file), so query cost follows the partition, as in DynamoDB.
 */
package io.sluice.localstack.emulator;
