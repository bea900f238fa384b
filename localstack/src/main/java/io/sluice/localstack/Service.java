package io.sluice.localstack;

import java.util.Locale;

/**
 * The AWS services Sluice uses locally. Each maps to one endpoint of a {@link LocalAws}.
 */
public enum Service {
    KINESIS,
    DYNAMODB,
    S3,
    SQS;

    /**
     * The suffix of the service-specific endpoint variable that the AWS CLI v2, botocore and the
     * SDKs read, e.g. {@code AWS_ENDPOINT_URL_DYNAMODB}.
     *
     * @return the variable name
     */
    public String endpointVariable() {
        return "AWS_ENDPOINT_URL_" + name();
    }

    /** @return the lower-case service id used in logs and state files, e.g. {@code dynamodb} */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
