package io.sluice.orchestrator.batch;

import io.sluice.localstack.LocalAws;
import io.sluice.localstack.LocalAwsExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The three input kinds on the local S3, in the formats S3 itself writes. */
@ExtendWith(LocalAwsExtension.class)
class ManifestReaderIT {

    private S3Client s3;
    private String bucket;

    @BeforeEach
    void bucket(LocalAws aws) {
        s3 = aws.s3();
        bucket = "manifests-" + UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(bucket));
    }

    @AfterEach
    void close() {
        s3.close();
    }

    @Test
    void csvManifest_decodesUrlEncodedKeys_andKeepsVersionIds() {
        put("m.csv", "data,orders/2020-11-11/part+01.jsonl\n"
                + "data,orders/2020-11-11/caf%C3%A9%2B%2C.jsonl,3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY\n"
                + "\"data\",\"orders/quoted%20key.jsonl\"\n\n");

        List<ObjectRef> objects = new ManifestReader(s3).read(JobInput.csvManifest(bucket, "m.csv"));

        assertThat(objects).containsExactly(
                new ObjectRef("data", "orders/2020-11-11/part 01.jsonl", null, -1),
                new ObjectRef("data", "orders/2020-11-11/café+,.jsonl", "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY", -1),
                new ObjectRef("data", "orders/quoted key.jsonl", null, -1));
    }

    @Test
    void csvManifest_namesTheLine_whenARowHasTooFewFields() {
        put("bad.csv", "data,a.jsonl\njust-a-bucket\n");

        assertThatThrownBy(() -> new ManifestReader(s3).read(JobInput.csvManifest(bucket, "bad.csv")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("line 2");
    }

    @Test
    void inventoryManifest_readsItsGzipCsvDataFiles_keepingLatestVersionsWithSizes() throws IOException {
        put("inv/data/a.csv.gz", gzip("\"data\",\"orders/one.jsonl\",\"v1\",\"true\",\"false\",\"120\"\n"
                + "\"data\",\"orders/one.jsonl\",\"v0\",\"false\",\"false\",\"100\"\n"
                + "\"data\",\"orders/gone.jsonl\",\"v9\",\"true\",\"true\",\"\"\n"));
        put("inv/data/b.csv.gz", gzip("\"data\",\"orders/two%20words.jsonl\",\"v2\",\"true\",\"false\",\"7\"\n"));
        put("inv/manifest.json", ("{\"sourceBucket\":\"data\",\"destinationBucket\":\"arn:aws:s3:::" + bucket + "\","
                + "\"version\":\"2016-11-30\",\"fileFormat\":\"CSV\","
                + "\"fileSchema\":\"Bucket, Key, VersionId, IsLatest, IsDeleteMarker, Size\","
                + "\"files\":[{\"key\":\"inv/data/a.csv.gz\",\"size\":80,\"MD5checksum\":\"x\"},"
                + "{\"key\":\"inv/data/b.csv.gz\",\"size\":60,\"MD5checksum\":\"y\"}]}").getBytes(StandardCharsets.UTF_8));

        List<ObjectRef> objects = new ManifestReader(s3).read(JobInput.inventory(bucket, "inv/manifest.json"));

        assertThat(objects).containsExactly(new ObjectRef("data", "orders/one.jsonl", "v1", 120),
                new ObjectRef("data", "orders/two words.jsonl", "v2", 7));
    }

    @Test
    void inventoryManifest_inParquet_isRefusedWithItsFormat() {
        put("p/manifest.json", "{\"fileFormat\":\"Parquet\",\"fileSchema\":\"message s3.inventory {}\",\"files\":[]}"
                .getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> new ManifestReader(s3).read(JobInput.inventory(bucket, "p/manifest.json")))
                .hasMessageContaining("Parquet");
    }

    @Test
    void prefix_listsEveryPage_inKeyOrder_withSizes_andSkipsFolderMarkers() {
        for (int i = 0; i < 7; i++) {
            put(String.format("orders/part-%02d.jsonl", i), "x".repeat(i + 1));
        }
        put("orders/", "");
        put("other/ignored.jsonl", "x");

        List<ObjectRef> objects = new ManifestReader(s3, 3).read(JobInput.prefix(bucket, "orders/"));

        assertThat(objects).hasSize(7);
        assertThat(objects).extracting(ObjectRef::key).isSorted().allMatch(k -> k.startsWith("orders/part-"));
        assertThat(objects).extracting(ObjectRef::size).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    }

    private void put(String key, String text) {
        put(key, text.getBytes(StandardCharsets.UTF_8));
    }

    private void put(String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
