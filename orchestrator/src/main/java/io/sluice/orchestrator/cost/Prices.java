package io.sluice.orchestrator.cost;

/**
 * AWS list prices the bill uses: region {@value #REGION}, on-demand, no free tier, as published on the pricing pages
 * named on each constant (taken {@value #AS_OF}; prices change: check the pages before relying on a figure).
 */
public final class Prices {

    public static final String REGION = "us-east-1";
    public static final String AS_OF = "2026-12-06, last published figures known to the author, not re-fetched";

    /** Kinesis Data Streams, provisioned mode: per shard-hour. aws.amazon.com/kinesis/data-streams/pricing */
    public static final double KINESIS_SHARD_HOUR = 0.015;
    /** Kinesis Data Streams: per million PUT payload units (25 KB chunks of a record). Same page. */
    public static final double KINESIS_PUT_PAYLOAD_UNITS_MILLION = 0.014;
    /** Bytes of one PUT payload unit. */
    public static final int KINESIS_PUT_PAYLOAD_UNIT_BYTES = 25 * 1024;

    /** AWS Lambda: per million requests. aws.amazon.com/lambda/pricing */
    public static final double LAMBDA_REQUESTS_MILLION = 0.20;
    /** AWS Lambda, x86_64 (the template's architecture), first tier: per GB-second. Same page. */
    public static final double LAMBDA_GB_SECOND = 0.0000166667;

    /** DynamoDB on-demand: per million write request units. aws.amazon.com/dynamodb/pricing/on-demand */
    public static final double DYNAMODB_WRITE_UNITS_MILLION = 0.625;
    /** DynamoDB on-demand: per million read request units. Same page. */
    public static final double DYNAMODB_READ_UNITS_MILLION = 0.125;

    /** S3 Standard: per 1,000 PUT requests (one result object per fired window). aws.amazon.com/s3/pricing */
    public static final double S3_PUT_THOUSAND = 0.005;

    /** Managed Service for Apache Flink: per KPU-hour (1 vCPU, 4 GB). aws.amazon.com/managed-service-apache-flink/pricing */
    public static final double FLINK_KPU_HOUR = 0.11;
    /** Managed Flink: one extra KPU per application, for orchestration (docs: "Per second billing"). */
    public static final int FLINK_ORCHESTRATION_KPUS = 1;
    /** Managed Flink: running application storage, per GB-month; 50 GB per KPU. Same pricing page. */
    public static final double FLINK_STORAGE_GB_MONTH = 0.10;
    public static final int FLINK_STORAGE_GB_PER_KPU = 50;
    /** Hours in a billing month, to prorate a per-month price. */
    public static final double HOURS_PER_MONTH = 730;

    private Prices() {
    }
}
