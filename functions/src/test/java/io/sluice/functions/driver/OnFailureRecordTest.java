package io.sluice.functions.driver;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lambda's on-failure record for a Kinesis source, as the AWS guide shows it, and what is not one. */
class OnFailureRecordTest {

    /** The example of "Retain discarded batch records for a Kinesis Data Streams event source in Lambda". */
    private static final String AWS_SAMPLE = """
            {
                "requestContext": {
                    "requestId": "c9b8fa9f-5a7f-xmpl-af9c-0c604cde93a5",
                    "functionArn": "arn:aws:lambda:us-east-2:123456789012:function:myfunction",
                    "condition": "RetryAttemptsExhausted",
                    "approximateInvokeCount": 1
                },
                "responseContext": {
                    "statusCode": 200,
                    "executedVersion": "$LATEST",
                    "functionError": "Unhandled"
                },
                "version": "1.0",
                "timestamp": "2019-11-14T00:38:06.021Z",
                "KinesisBatchInfo": {
                    "shardId": "shardId-000000000001",
                    "startSequenceNumber": "49601189658422359378836298521827638475320189012309704722",
                    "endSequenceNumber": "49601189658422359378836298522902373528957594348623495186",
                    "approximateArrivalOfFirstRecord": "2019-11-14T00:38:04.835Z",
                    "approximateArrivalOfLastRecord": "2019-11-14T00:38:05.580Z",
                    "batchSize": 500,
                    "streamArn": "arn:aws:kinesis:us-east-2:123456789012:stream/mystream"
                }
            }
            """;

    @Test
    void parse_readsTheBatchCoordinates_ofAwsSample() {
        OnFailureRecord r = OnFailureRecord.parse(AWS_SAMPLE);

        assertThat(r).isEqualTo(new OnFailureRecord("shardId-000000000001",
                "49601189658422359378836298521827638475320189012309704722",
                "49601189658422359378836298522902373528957594348623495186",
                "arn:aws:kinesis:us-east-2:123456789012:stream/mystream", 500, "RetryAttemptsExhausted"));
        assertThat(r.describe()).isEqualTo("shard=[shardId-000000000001] seq=[49601189658422359378836298521827638475320189012309704722.."
                + "49601189658422359378836298522902373528957594348623495186]");
    }

    @Test
    void parse_readsARecordAgeExpiry_withoutResponseContext() {
        String aged = AWS_SAMPLE.replace("RetryAttemptsExhausted", "RecordAgeExceeded")
                .replaceAll("(?s)\"responseContext\": \\{.*?},", "");

        assertThat(OnFailureRecord.parse(aged).condition()).isEqualTo("RecordAgeExceeded");
    }

    @Test
    void parse_refusesADeadLetter_soTheReplayLeavesItInTheQueue() {
        String deadLetter = "{\"pipeline\":\"gmv-by-category\",\"split\":\"shardId-000000000000\","
                + "\"position\":\"seq=49601189658422359378836298521827638475320189012309704722 sub=0\","
                + "\"reason\":\"invalid JSON\",\"record\":\"{oops\"}";

        assertThatThrownBy(() -> OnFailureRecord.parse(deadLetter)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no KinesisBatchInfo");
        assertThatThrownBy(() -> OnFailureRecord.parse("records lost: ...")).hasMessageContaining("not JSON");
    }

    @Test
    void parse_refusesCoordinatesThatAreNotARange() {
        assertThatThrownBy(() -> OnFailureRecord.parse(AWS_SAMPLE.replace("\"shardId\": \"shardId-000000000001\",", "")))
                .hasMessageContaining("KinesisBatchInfo.shardId");
        assertThatThrownBy(() -> OnFailureRecord.parse(AWS_SAMPLE.replace("49601189658422359378836298521827638475320189012309704722", "12x")))
                .hasMessageContaining("not a sequence number");
        assertThatThrownBy(() -> OnFailureRecord.parse(AWS_SAMPLE.replace("49601189658422359378836298521827638475320189012309704722",
                "59601189658422359378836298521827638475320189012309704722"))).hasMessageContaining("is after");
        assertThatThrownBy(() -> OnFailureRecord.parse("x".repeat(OnFailureRecord.MAX_BYTES + 1)))
                .hasMessageContaining("longer than");
    }
}
