package io.sluice.localstack;

import io.sluice.localstack.emulator.EmulatorAws;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Local AWS: one endpoint per {@link Service}, a region and dummy credentials, whichever engine serves
 * them. Tests and the CLI depend on this type only, never on the engine.
 *
 * <pre>{@code
 * try (LocalAws aws = LocalAws.auto().start()) {       // LocalStack if Docker answers, else emulators
 *     DynamoDbClient dynamo = aws.dynamoDb();           // endpoint override, region, dummy credentials
 *     System.out.println(aws.describe());               // endpoints and an export AWS_... block
 * }
 * }</pre>
 *
 * <p>Implementations: {@link EmulatorAws} (kinesis-mock + moto_server as plain processes, no Docker) and
 * {@link LocalStackAws} (Testcontainers). {@link #attach(URI, Map)} wraps endpoints that something else
 * started, such as {@code docker compose up} or {@code sluice local up}. Clients built here use the
 * {@code url-connection-client}; the caller closes them.
 */
public interface LocalAws extends AutoCloseable {

    /** Region used by every local engine. */
    Region REGION = Region.US_EAST_1;

    /**
     * Starts the engine (idempotent) and waits until every endpoint answers.
     *
     * @return this, started
     * @throws LocalAwsException if an engine is missing or does not answer in time (with its log tail)
     */
    LocalAws start();

    /** Stops what {@link #start()} started, including child processes; idempotent. */
    @Override
    void close();

    /** @return {@code emulators}, {@code localstack} or {@code attached} */
    String kind();

    /**
     * @param service the service
     * @return its endpoint, e.g. {@code http://127.0.0.1:41234}
     * @throws IllegalStateException if not started
     */
    URI endpoint(Service service);

    /** @return how long each engine took to start (empty before start, or when attached) */
    Map<String, Duration> startupTimes();

    /** @return the region clients use */
    default Region region() {
        return REGION;
    }

    /** @return static dummy credentials ({@code test}/{@code test}); local engines accept any */
    default AwsCredentialsProvider credentialsProvider() {
        return AwsClients.DUMMY_CREDENTIALS;
    }

    /** @return a new Kinesis client (JSON protocol, see {@link AwsClients#disableCbor()}); caller closes */
    default KinesisClient kinesis() {
        return AwsClients.kinesis(this);
    }

    /** @return a new DynamoDB client; caller closes */
    default DynamoDbClient dynamoDb() {
        return AwsClients.dynamoDb(this);
    }

    /** @return a new S3 client with path-style access; caller closes */
    default S3Client s3() {
        return AwsClients.s3(this);
    }

    /** @return a new SQS client; caller closes */
    default SqsClient sqs() {
        return AwsClients.sqs(this);
    }

    /**
     * Environment for the AWS CLI and SDKs pointing at this instance: dummy credentials, region,
     * {@code AWS_ENDPOINT_URL} (moto or LocalStack, for any other service) and one
     * {@code AWS_ENDPOINT_URL_<SERVICE>} per service, plus {@code CBOR_ENABLED=false}.
     *
     * @return variables in a stable order
     */
    default Map<String, String> environment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_ACCESS_KEY_ID", AwsClients.ACCESS_KEY);
        env.put("AWS_SECRET_ACCESS_KEY", AwsClients.SECRET_KEY);
        env.put("AWS_REGION", region().id());
        env.put("AWS_DEFAULT_REGION", region().id());
        // Fallback for every other service (IAM, STS, ...): the general-purpose local engine, so that
        // nothing run from this shell reaches a real account by accident.
        env.put("AWS_ENDPOINT_URL", endpoint(Service.DYNAMODB).toString());
        for (Service s : Service.values()) {
            env.put(s.endpointVariable(), endpoint(s).toString());
        }
        env.put("CBOR_ENABLED", "false");
        return env;
    }

    /**
     * Human-readable endpoints followed by an {@code export} block that can be pasted into a shell.
     *
     * @return text ending with a newline
     */
    default String describe() {
        StringBuilder out = new StringBuilder();
        out.append("Local AWS (").append(kind()).append(", region ").append(region().id()).append(")\n");
        for (Service s : Service.values()) {
            out.append(String.format(Locale.ROOT, "  %-9s %s%n", s.id(), endpoint(s)));
        }
        out.append(environment().entrySet().stream()
                .map(e -> "export " + e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("\n", "", "\n")));
        // AWS CLI v1 hard-codes the SQS endpoint in a customization and ignores both variables (v2 honours them).
        out.append("# AWS CLI v1 only: aws --endpoint-url \"$AWS_ENDPOINT_URL_SQS\" sqs ...\n");
        return out.toString();
    }

    /**
     * LocalStack when a Docker engine answers (checked in well under a second by {@link DockerProbe}),
     * otherwise the emulators. The variable {@code SLUICE_LOCAL_AWS} ({@code emulators}|{@code
     * localstack}) overrides the choice.
     *
     * @return an unstarted instance
     */
    static LocalAws auto() {
        String forced = System.getenv("SLUICE_LOCAL_AWS");
        if (forced != null && !forced.isBlank() && !forced.equals("auto")) {
            return of(forced);
        }
        return of(DockerProbe.dockerAvailable() ? "localstack" : "emulators");
    }

    /**
     * @param kind {@code emulators}, {@code localstack} or {@code auto}
     * @return an unstarted instance of that kind
     * @throws IllegalArgumentException for another kind
     */
    static LocalAws of(String kind) {
        switch (kind.toLowerCase(Locale.ROOT)) {
            case "emulators":
                return EmulatorAws.create();
            case "localstack":
                return new LocalStackAws();
            case "auto":
                return auto();
            default:
                throw new IllegalArgumentException("Unknown local AWS kind [" + kind + "]: use emulators, localstack or auto");
        }
    }

    /**
     * Wraps endpoints started elsewhere; {@link #close()} leaves them running.
     *
     * @param defaultEndpoint endpoint for services not in {@code overrides} (e.g. LocalStack's
     *     {@code http://localhost:4566}), or null when all services are given
     * @param overrides endpoint per service
     * @return a started instance of kind {@code attached}
     */
    static LocalAws attach(URI defaultEndpoint, Map<Service, URI> overrides) {
        return new AttachedAws(defaultEndpoint, overrides);
    }
}
