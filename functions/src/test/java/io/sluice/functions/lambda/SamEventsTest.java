package io.sluice.functions.lambda;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.sluice.infra.template.Template;
import io.sluice.infra.template.TemplateOptions;
import io.sluice.infra.template.TemplateResource;
import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The payloads of {@code events/} (one per function, for {@code sam local invoke -e events/<Function>.json}) against
 * the handlers this module deploys: each deserializes as Lambda's Java runtime does and the handler accepts it.
 */
@ExtendWith(LocalAwsExtension.class)
class SamEventsTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Path EVENTS = Template.locate().getParent().resolve("events");

    private LocalSluice sluice;

    @BeforeEach
    void deploy(LocalAws aws) {
        sluice = new LocalSluice(aws, "gmv-by-category");
    }

    @AfterEach
    void close() {
        sluice.close();
    }

    @Test
    void everyFunctionOfTheTemplate_hasOneEventFile_andThereIsNoOther() throws IOException {
        Set<String> functions = Template.load(Template.locate(), TemplateOptions.local()).resources().stream()
                .filter(r -> r.type().equals("AWS::Serverless::Function")).map(TemplateResource::logicalId)
                .map(id -> id + ".json").collect(Collectors.toCollection(TreeSet::new));
        try (Stream<Path> files = Files.list(EVENTS)) {
            Set<String> names = files.map(f -> f.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
            assertThat(names).isEqualTo(functions);
        }
    }

    @Test
    void operatorEvent_isAKinesisBatchTheOperatorApplies() throws IOException {
        KinesisEvent event = read("OperatorFunction.json", KinesisEvent.class);
        ByteArrayOutputStream response = new ByteArrayOutputStream();

        // The class the template deploys, handed the file's bytes as the runtime hands them.
        sluice.kinesisStreamHandler().handleRequest(Files.newInputStream(EVENTS.resolve("OperatorFunction.json")),
                response, null);

        assertThat(event.getRecords()).isNotEmpty();
        assertThat(response.toString(StandardCharsets.UTF_8)).isEqualTo("{\"batchItemFailures\":[]}");
        assertThat(sluice.resultCsvs()).isNotEmpty();
        assertThat(sluice.drainDeadLetters()).isEmpty();
    }

    @Test
    void firerEvent_isAScheduledEvent() throws IOException {
        ScheduledEvent event = read("FirerFunction.json", ScheduledEvent.class);

        assertThat(event.getDetailType()).isEqualTo("Scheduled Event");
        assertThat(event.getSource()).isEqualTo("aws.events");
    }

    @Test
    void batchEvent_isAnS3BatchOperationsTaskTheBatchHandlerSucceedsOn() throws IOException {
        JsonNode event = JSON.readTree(EVENTS.resolve("BatchFunction.json").toFile());
        JsonNode task = event.path("tasks").get(0);
        String bucket = task.path("s3Bucket").asText();
        sluice.s3.createBucket(b -> b.bucket(bucket));
        sluice.s3.putObject(b -> b.bucket(bucket).key(task.path("s3Key").asText()), RequestBody.fromBytes(gzip(
                "{\"orderId\":\"o-1\",\"userId\":\"u-1\",\"category\":\"c-1\",\"amount\":1999,\"ts\":1605052800123}\n")));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        sluice.batchHandler().handleRequest(Files.newInputStream(EVENTS.resolve("BatchFunction.json")), out, null);

        JsonNode result = JSON.readTree(out.toByteArray()).path("results").get(0);
        assertThat(result.path("resultCode").asText()).isEqualTo("Succeeded");
        assertThat(result.path("resultString").asText()).startsWith("lines=1 rejected=0");
    }

    private static <T> T read(String file, Class<T> type) throws IOException {
        try (InputStream in = Files.newInputStream(EVENTS.resolve(file))) {
            // The serializer Lambda's Java runtime uses for aws-lambda-java-events types.
            return LambdaEventSerializers.serializerFor(type, SamEventsTest.class.getClassLoader()).fromJson(in);
        }
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (var gz = new java.util.zip.GZIPOutputStream(bytes)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return bytes.toByteArray();
    }
}
