package io.sluice.orchestrator.batch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Lists the objects of a {@link JobInput}, in manifest order: a CSV manifest line by line, an Inventory manifest data
 * file by data file, a prefix in key order (every page of ListObjectsV2).
 *
 * <pre>{@code
 * List<ObjectRef> objects = new ManifestReader(s3).read(JobInput.csvManifest("sluice-dev-data", "manifests/a.csv"));
 * }</pre>
 *
 * <p>Both manifest formats URL-encode keys (a space is {@code +} or {@code %20}); keys are decoded here. Inventory
 * rows that are delete markers or not the latest version are left out, and only the {@code CSV} file format is
 * read (data files gzipped or not).
 */
public final class ManifestReader {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final S3Client s3;
    private final int pageSize;

    public ManifestReader(S3Client s3) {
        this(s3, 1000);
    }

    /** Lists prefixes {@code pageSize} keys per ListObjectsV2 call (tests use small pages). */
    ManifestReader(S3Client s3, int pageSize) {
        this.s3 = s3;
        this.pageSize = pageSize;
    }

    /**
     * @throws IllegalArgumentException if the manifest is malformed, naming its line
     * @throws software.amazon.awssdk.services.s3.model.NoSuchKeyException if the manifest does not exist
     */
    public List<ObjectRef> read(JobInput input) {
        switch (input.kind()) {
            case CSV_MANIFEST:
                return csvManifest(input.bucket(), input.key());
            case INVENTORY:
                return inventory(input.bucket(), input.key());
            case PREFIX:
                return prefix(input.bucket(), input.key());
            default:
                throw new IllegalArgumentException("unknown input kind " + input.kind());
        }
    }

    private List<ObjectRef> csvManifest(String bucket, String key) {
        List<ObjectRef> objects = new ArrayList<>();
        forEachRow(bucket, key, (line, fields) -> {
            if (fields.size() < 2 || fields.size() > 3) {
                throw new IllegalArgumentException("CSV manifest s3://" + bucket + "/" + key + " line " + line
                        + ": expected bucket,key[,versionId] but found " + fields.size() + " fields");
            }
            objects.add(new ObjectRef(fields.get(0), decode(fields.get(1)), fields.size() == 3 ? fields.get(2) : null,
                    -1));
        });
        return objects;
    }

    private List<ObjectRef> inventory(String bucket, String key) {
        JsonNode manifest;
        try (InputStream in = s3.getObject(b -> b.bucket(bucket).key(key))) {
            manifest = JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read inventory manifest s3://" + bucket + "/" + key, e);
        }
        String format = manifest.path("fileFormat").asText("CSV");
        if (!format.equalsIgnoreCase("CSV")) {
            throw new IllegalArgumentException("inventory s3://" + bucket + "/" + key + " is " + format
                    + "; only CSV inventories are read");
        }
        List<String> schema = new ArrayList<>();
        for (String column : manifest.path("fileSchema").asText("").split(",")) {
            schema.add(column.trim().toLowerCase(Locale.ROOT));
        }
        int bucketCol = schema.indexOf("bucket");
        int keyCol = schema.indexOf("key");
        if (bucketCol < 0 || keyCol < 0) {
            throw new IllegalArgumentException("inventory s3://" + bucket + "/" + key
                    + " has no Bucket and Key in its fileSchema [" + manifest.path("fileSchema").asText() + "]");
        }
        int versionCol = schema.indexOf("versionid");
        int sizeCol = schema.indexOf("size");
        int latestCol = schema.indexOf("islatest");
        int etagCol = schema.indexOf("etag");
        int deleteMarkerCol = schema.indexOf("isdeletemarker");
        // Data files live in the destination bucket, which is the manifest's own bucket.
        String dataBucket = manifest.hasNonNull("destinationBucket")
                ? bucketOfArn(manifest.path("destinationBucket").asText()) : bucket;
        List<ObjectRef> objects = new ArrayList<>();
        for (JsonNode file : manifest.path("files")) {
            String dataKey = file.path("key").asText();
            forEachRow(dataBucket, dataKey, (line, f) -> {
                if (f.size() != schema.size()) {
                    throw new IllegalArgumentException("inventory data file s3://" + dataBucket + "/" + dataKey
                            + " line " + line + ": " + f.size() + " fields but the schema has " + schema.size());
                }
                if ((latestCol >= 0 && !"true".equalsIgnoreCase(f.get(latestCol)))
                        || (deleteMarkerCol >= 0 && "true".equalsIgnoreCase(f.get(deleteMarkerCol)))) {
                    return;
                }
                String size = sizeCol >= 0 ? f.get(sizeCol) : "";
                objects.add(new ObjectRef(f.get(bucketCol), decode(f.get(keyCol)),
                        versionCol >= 0 ? f.get(versionCol) : null, size.isEmpty() ? -1 : Long.parseLong(size),
                        etagCol >= 0 ? f.get(etagCol) : null));
            });
        }
        return objects;
    }

    private List<ObjectRef> prefix(String bucket, String prefix) {
        List<ObjectRef> objects = new ArrayList<>();
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix).maxKeys(pageSize)).contents()) {
            if (o.key().endsWith("/") && o.size() == 0) {
                continue; // a console "folder", not data
            }
            objects.add(new ObjectRef(bucket, o.key(), null, o.size(), o.eTag()));
        }
        return objects;
    }

    private interface RowConsumer {
        void accept(long line, List<String> fields);
    }

    /** Every non-blank CSV row of an object (gunzipped when it starts with the gzip magic). */
    private void forEachRow(String bucket, String key, RowConsumer rows) {
        ResponseInputStream<GetObjectResponse> object = s3.getObject(b -> b.bucket(bucket).key(key));
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(gunzipped(object),
                StandardCharsets.UTF_8))) {
            String text;
            long line = 0;
            while ((text = reader.readLine()) != null) {
                line++;
                if (!text.isBlank()) {
                    rows.accept(line, fields(text));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read s3://" + bucket + "/" + key, e);
        }
    }

    private static InputStream gunzipped(InputStream raw) throws IOException {
        BufferedInputStream in = new BufferedInputStream(raw);
        in.mark(2);
        boolean gzip = in.read() == 0x1F && in.read() == 0x8B;
        in.reset();
        return gzip ? new GZIPInputStream(in) : in;
    }

    /** RFC 4180 fields of one line: S3 quotes every field of an inventory ({@code "bucket","key"}). */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        out.add(field.toString());
        return out;
    }

    static String decode(String urlEncoded) {
        return URLDecoder.decode(urlEncoded, StandardCharsets.UTF_8);
    }

    private static String bucketOfArn(String arn) {
        int colon = arn.lastIndexOf(':');
        return colon < 0 ? arn : arn.substring(colon + 1);
    }
}
