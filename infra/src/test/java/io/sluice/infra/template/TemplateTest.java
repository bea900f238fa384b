package io.sluice.infra.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sluice.infra.template.KinesisEventSettings.StartingPosition;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TemplateTest {

    private static Template repoTemplate(TemplateOptions options) {
        return Template.load(Template.locate(), options);
    }

    @Test
    void shouldNameResourcesFromParameterDefaultsAndPseudoParameters() {
        Template t = repoTemplate(TemplateOptions.local());

        assertThat(t.physicalName("OrdersStream")).isEqualTo("sluice-dev-orders");
        assertThat(t.physicalName("StateTable")).isEqualTo("sluice-dev-state");
        assertThat(t.physicalName("ResultsBucket")).isEqualTo("sluice-dev-results-000000000000-us-east-1");
        assertThat(t.resolve(t.resource("OrdersStream").orElseThrow().properties()).path("ShardCount").asInt()).isEqualTo(2);
    }

    @Test
    void shouldApplyParameterOverrides() {
        Template t = repoTemplate(TemplateOptions.local().withParameter("Stage", "it").withParameter("ShardCount", "3"));

        assertThat(t.physicalName("DeadLetterQueue")).isEqualTo("sluice-it-operator-dlq");
        assertThat(t.resolve(t.resource("OrdersStream").orElseThrow().properties()).path("ShardCount").asInt()).isEqualTo(3);
    }

    @Test
    void shouldRejectAnUnknownParameter() {
        assertThatThrownBy(() -> repoTemplate(TemplateOptions.local().withParameter("Stag", "x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Stag");
    }

    @Test
    void shouldResolveShortFormTags() {
        String yaml = String.join("\n",
                "Parameters:",
                "  Env: {Type: String, Default: prod}",
                "Conditions:",
                "  IsProd: !Equals [!Ref Env, prod]",
                "Resources:",
                "  Q:",
                "    Type: AWS::SQS::Queue",
                "    Properties:",
                "      QueueName: !Join ['-', [!Ref 'AWS::StackName', !Select [1, !Split [',', 'a,b,c']]]]",
                "      DelaySeconds: !If [IsProd, 5, !Ref 'AWS::NoValue']",
                "      Tags:",
                "        - Key: arn",
                "          Value: !GetAtt Q.Arn",
                "        - Key: sub",
                "          Value: !Sub '${AWS::Region}/${Q.QueueName}/${!Literal}/${X}'",
                "        - Key: subWithVars",
                "          Value: !Sub ['${A}-${Env}', {A: !Ref Q}]",
                "        - Key: notProd",
                "          Value: !If [IsProd, !Ref 'AWS::NoValue', yes]");
        Template t = Template.parse(yaml.replace("${X}", "${AWS::AccountId}"), TemplateOptions.local().withStackName("s"));

        var p = t.resolve(t.resource("Q").orElseThrow().properties());

        assertThat(p.path("QueueName").asText()).isEqualTo("s-b");
        assertThat(p.path("DelaySeconds").asInt()).isEqualTo(5);
        assertThat(p.path("Tags").get(0).path("Value").asText()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:s-b");
        assertThat(p.path("Tags").get(1).path("Value").asText()).isEqualTo("us-east-1/s-b/${Literal}/000000000000");
        assertThat(p.path("Tags").get(2).path("Value").asText())
                .isEqualTo("https://sqs.us-east-1.amazonaws.com/000000000000/s-b-prod");
        assertThat(p.path("Tags").get(3).has("Value")).isFalse();
    }

    @Test
    void shouldReadTheOperatorsKinesisEventAsEventSourceSettings() {
        List<KinesisEventSource> sources = EventSources.kinesis(repoTemplate(TemplateOptions.local()));

        assertThat(sources).hasSize(1);
        KinesisEventSource source = sources.get(0);
        assertThat(source.handlerClass()).isEqualTo("io.sluice.functions.lambda.KinesisOperatorStreamHandler");
        assertThat(source.environment()).containsEntry("SLUICE_STATE_TABLE", "sluice-dev-state");
        KinesisEventSettings c = source.settings();
        assertThat(c.functionName()).isEqualTo("sluice-dev-operator");
        assertThat(c.streamName()).isEqualTo("sluice-dev-orders");
        assertThat(c.batchSize()).isEqualTo(10_000);
        assertThat(c.maximumBatchingWindow()).isEqualTo(Duration.ofSeconds(1));
        assertThat(c.startingPosition()).isEqualTo(StartingPosition.TRIM_HORIZON);
        assertThat(c.maximumRetryAttempts()).isEqualTo(5);
        assertThat(c.bisectBatchOnFunctionError()).isTrue();
        assertThat(c.maximumRecordAge()).isEqualTo(Duration.ofSeconds(21600));
        assertThat(c.reportBatchItemFailures()).isTrue();
        assertThat(c.onFailureDestination()).isEqualTo("arn:aws:sqs:us-east-1:000000000000:sluice-dev-operator-dlq");
        assertThat(c.parallelizationFactor()).isEqualTo(1);
        assertThat(c.functionTimeout()).as("Globals.Function.Timeout").isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void batchingWindowSeconds_setsTheOperatorMappingsBatchingWindow() {
        KinesisEventSettings c = EventSources.kinesis(repoTemplate(TemplateOptions.local()
                .withParameter("BatchingWindowSeconds", "5"))).get(0).settings();

        assertThat(c.maximumBatchingWindow()).isEqualTo(Duration.ofSeconds(5));
    }

    /**
     * A shard's invocations can start up to the batching window plus the function's timeout apart; past the idleness a
     * shard that is only slow would stop holding the watermark back, and its next records would be judged late.
     */
    @Test
    void theLongestBatchingWindow_plusTheTimeout_staysUnderTheIdleness() {
        KinesisEventSource longest = EventSources.kinesis(repoTemplate(TemplateOptions.local()
                .withParameter("BatchingWindowSeconds", "30"))).get(0);
        Duration idleness = Duration.ofSeconds(Long.parseLong(longest.environment().get("SLUICE_IDLENESS_SECONDS")));

        assertThat(longest.settings().maximumBatchingWindow().plus(longest.settings().functionTimeout()))
                .isLessThan(idleness);
        assertThatThrownBy(() -> repoTemplate(TemplateOptions.local().withParameter("BatchingWindowSeconds", "31")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BatchingWindowSeconds");
    }

    private static String kinesisFunction(String functionProperties, String eventProperties) {
        return String.join("\n",
                "Resources:",
                "  S: {Type: AWS::Kinesis::Stream, Properties: {ShardCount: 1}}",
                "  F:",
                "    Type: AWS::Serverless::Function",
                "    Properties: {Handler: a.B::handleRequest" + functionProperties + ",",
                "      Events: {E: {Type: Kinesis, Properties: {Stream: !GetAtt S.Arn, StartingPosition: LATEST"
                        + eventProperties + "}}}}");
    }

    @Test
    void shouldTakeTheFunctionsOwnTimeoutOrSamsDefault() {
        Template own = Template.parse(kinesisFunction(", Timeout: 17", ""), TemplateOptions.local());
        Template none = Template.parse(kinesisFunction("", ""), TemplateOptions.local());

        assertThat(EventSources.kinesis(own).get(0).settings().functionTimeout()).isEqualTo(Duration.ofSeconds(17));
        assertThat(EventSources.kinesis(none).get(0).settings().functionTimeout()).isEqualTo(Duration.ofSeconds(3));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        ", FilterCriteria: {Filters: [{Pattern: '{}'}]}                          | FilterCriteria is not implemented",
        ", TumblingWindowInSeconds: 60                                             | TumblingWindowInSeconds is not implemented",
        ", Enabled: false                                                          | Enabled: false is not implemented",
        ", DestinationConfig: {OnFailure: {Type: SNS, Destination: 'arn:aws:sns:us-east-1:1:t'}} | only SQS on-failure destinations",
        ", MaximumRecordAgeInSeconds: 30                                           | MaximumRecordAgeInSeconds must be -1 or 60..604800, was 30",
        ", MaximumRecordAgeInSeconds: -5                                           | MaximumRecordAgeInSeconds must be -1 or 60..604800, was -5",
        ", BatchSzie: 10                                                           | unknown Kinesis event property BatchSzie",
    })
    void shouldRefuseWhatTheLocalRuntimeDoesNotImplementOrLambdaRejects(String eventProperties, String message) {
        Template template = Template.parse(kinesisFunction("", eventProperties), TemplateOptions.local());

        assertThatThrownBy(() -> EventSources.kinesis(template)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message.trim());
    }

    @Test
    void shouldAcceptEnabledTrueAndPropertiesWithoutLocalEffect() {
        Template template = Template.parse(kinesisFunction("", ", Enabled: true, MetricsConfig: {Metrics: [EventCount]}"),
                TemplateOptions.local());

        assertThat(EventSources.kinesis(template)).hasSize(1);
    }

    @Test
    void shouldRefuseAParallelizationFactorAboveOne() {
        String yaml = String.join("\n",
                "Resources:",
                "  S: {Type: AWS::Kinesis::Stream, Properties: {ShardCount: 1}}",
                "  F:",
                "    Type: AWS::Serverless::Function",
                "    Properties:",
                "      Handler: a.B::handleRequest",
                "      Events:",
                "        E: {Type: Kinesis, Properties: {Stream: !GetAtt S.Arn, StartingPosition: LATEST, ParallelizationFactor: 2}}");

        assertThatThrownBy(() -> EventSources.kinesis(Template.parse(yaml, TemplateOptions.local())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("per-shard order");
    }
}
