package io.sluice.orchestrator.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The coordinator function's event, the batch function's destination records and result strings. */
class JobRequestTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void parse_readsEveryInputKind_andFillsDefaults() throws Exception {
        JobSpec csv = JobRequest.parse(JSON.readTree("{\"jobId\":\"n-1\",\"input\":{\"csvManifest\":"
                + "\"s3://data/manifests/a.csv\"},\"concurrency\":32,\"maxAttempts\":5,\"maxTaskBytes\":1024}"),
                "gmv-by-category", "results");
        JobSpec inv = JobRequest.parse(JSON.readTree("{\"jobId\":\"n-2\",\"input\":{\"inventory\":"
                + "\"s3://inv/x/manifest.json\"},\"output\":\"s3://reports/jobs/\",\"pipeline\":\"gmv-total\"}"),
                "gmv-by-category", "results");
        JobSpec prefix = JobRequest.parse(JSON.readTree("{\"jobId\":\"n-3\",\"input\":{\"prefix\":\"s3://data\"}}"),
                "gmv-by-category", "results");

        assertThat(csv.input()).isEqualTo(JobInput.csvManifest("data", "manifests/a.csv"));
        assertThat(List.of(csv.concurrency(), csv.maxAttempts())).containsExactly(32, 5);
        assertThat(csv.maxTaskBytes()).isEqualTo(1024);
        assertThat(csv.reportKey()).isEqualTo("batch-reports/n-1/report.json");
        assertThat(csv.outputBucket()).isEqualTo("results");
        assertThat(inv.input()).isEqualTo(JobInput.inventory("inv", "x/manifest.json"));
        assertThat(inv.pipeline()).isEqualTo("gmv-total");
        assertThat(inv.outputBucket() + "/" + inv.reportKey()).isEqualTo("reports/jobs/n-2/report.json");
        assertThat(prefix.input()).isEqualTo(JobInput.prefix("data", ""));
    }

    @Test
    void toJson_isTheRequestTheSweepResubmits_readBackAsTheSameSpec() throws Exception {
        JobSpec spec = JobSpec.of("n-4", "gmv-by-category", JobInput.csvManifest("data", "m/a b.csv"), "reports",
                "jobs/").withConcurrency(3).withMaxAttempts(2).withMaxTaskBytes(4096)
                .withTaskTimeout(java.time.Duration.ofMinutes(20)).withAllowPartial(true).withObjectsPerTask(500);

        JobSpec back = JobRequest.parse(JSON.readTree(JobRequest.toJson(spec)), "other", "other-results");

        assertThat(back).isEqualTo(spec);
    }

    @Test
    void parse_namesWhatIsWrong() {
        assertThatThrownBy(() -> JobRequest.parse(JSON.readTree("{\"jobId\":\"a#b\",\"input\":{\"prefix\":"
                + "\"s3://d/\"}}"), "p", "r")).hasMessageContaining("jobId");
        assertThatThrownBy(() -> JobRequest.parse(JSON.readTree("{\"jobId\":\"a\",\"input\":{}}"), "p", "r"))
                .hasMessageContaining("input.csvManifest");
        assertThatThrownBy(() -> JobRequest.parse(JSON.readTree("{\"jobId\":\"a\",\"input\":{\"prefix\":"
                + "\"https://d/\"}}"), "p", "r")).hasMessageContaining("input.prefix");
    }

    @Test
    void destinationRecords_giveTheFunctionsResults_orATemporaryFailurePerTask() throws Exception {
        JsonNode success = JSON.readTree("{\"version\":\"1.0\",\"requestContext\":{\"condition\":\"Success\"},"
                + "\"requestPayload\":{\"jobId\":\"j\",\"tasks\":[{\"taskId\":\"j-00001\"}]},"
                + "\"responsePayload\":{\"jobId\":\"j\",\"results\":[{\"taskId\":\"j-00001\","
                + "\"resultCode\":\"Succeeded\",\"resultString\":\"lines=10 rejected=2 late=1\"}]}}");
        JsonNode failure = JSON.readTree("{\"requestContext\":{\"condition\":\"RetriesExhausted\"},"
                + "\"requestPayload\":{\"jobId\":\"j\",\"tasks\":[{\"taskId\":\"j-00002\"}]},"
                + "\"responseContext\":{\"functionError\":\"Unhandled\"},"
                + "\"responsePayload\":{\"errorType\":\"OutOfMemoryError\",\"errorMessage\":\"Java heap space\"}}");

        List<TaskResult> ok = LambdaTaskInvoker.results(success, success.path("requestPayload"));
        List<TaskResult> failed = LambdaTaskInvoker.results(failure, failure.path("requestPayload"));

        assertThat(ok).containsExactly(new TaskResult("j-00001", "Succeeded", "lines=10 rejected=2 late=1"));
        assertThat(List.of(ok.get(0).lines(), ok.get(0).rejected(), ok.get(0).late())).containsExactly(10L, 2L, 1L);
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).temporary()).isTrue();
        assertThat(failed.get(0).message()).isEqualTo("function error (RetriesExhausted): OutOfMemoryError Java heap space");
    }

    @Test
    void aFileWithNoDecodableLine_countsAllItsLinesAsRejected() {
        TaskResult r = new TaskResult("t", "PermanentFailure",
                "malformed file: none of its 12 lines could be decoded (see the dead-letter queue)");

        assertThat(r.temporary()).isFalse();
        assertThat(List.of(r.lines(), r.rejected(), r.late())).containsExactly(12L, 12L, 0L);
    }
}
