package io.sluice.infra.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A SAM/CloudFormation template instantiated with {@link TemplateOptions}: parameters resolved
 * (override, else {@code Default}), resources in document order, and intrinsic functions ({@code Ref},
 * {@code Fn::Sub}, {@code Fn::GetAtt}, {@code Fn::If}, {@code Fn::Join}, ...) evaluated on request.
 * Physical names come from the resource's own name property ({@code Name}, {@code TableName}, ...),
 * else {@code <stack>-<LogicalId>}.
 *
 * <pre>{@code
 * Template t = Template.load(Template.locate(), TemplateOptions.local().withParameter("Stage", "it"));
 * t.physicalName("OrdersStream");   // "sluice-it-orders"
 * }</pre>
 */
public final class Template {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<String, String> NAME_PROPERTY = Map.of(
            "AWS::Kinesis::Stream", "Name",
            "AWS::DynamoDB::Table", "TableName",
            "AWS::S3::Bucket", "BucketName",
            "AWS::SQS::Queue", "QueueName",
            "AWS::Serverless::Function", "FunctionName",
            "AWS::Lambda::Function", "FunctionName");

    private final JsonNode root;
    private final TemplateOptions options;
    private final Map<String, JsonNode> parameters = new LinkedHashMap<>();
    private final Map<String, TemplateResource> resources = new LinkedHashMap<>();
    private final Intrinsics intrinsics;

    private Template(JsonNode root, TemplateOptions options) {
        this.root = root;
        this.options = options;
        Iterator<Map.Entry<String, JsonNode>> ps = root.path("Parameters").fields();
        while (ps.hasNext()) {
            Map.Entry<String, JsonNode> p = ps.next();
            String override = options.parameters().get(p.getKey());
            JsonNode value = override != null ? NODES.textNode(override) : p.getValue().get("Default");
            if (value == null) {
                throw new IllegalArgumentException("Parameter " + p.getKey() + " has no Default and no value was given");
            }
            if (override != null) {
                checkConstraints(p.getKey(), p.getValue(), override);
            }
            parameters.put(p.getKey(), value.isNumber() ? NODES.textNode(value.asText()) : value);
        }
        for (String name : options.parameters().keySet()) {
            if (!parameters.containsKey(name)) {
                throw new IllegalArgumentException("Unknown template parameter " + name);
            }
        }
        Iterator<Map.Entry<String, JsonNode>> rs = root.path("Resources").fields();
        while (rs.hasNext()) {
            Map.Entry<String, JsonNode> r = rs.next();
            JsonNode props = r.getValue().path("Properties");
            resources.put(r.getKey(), new TemplateResource(r.getKey(), r.getValue().path("Type").asText(),
                    props.isMissingNode() ? NODES.objectNode() : props));
        }
        this.intrinsics = new Intrinsics(this);
    }

    /**
     * Refuses a value CloudFormation would refuse (AllowedValues, AllowedPattern, Min/MaxLength, Min/MaxValue), so a
     * name that works locally also deploys (a Stage too long for a bucket name fails here, not on AWS).
     */
    private static void checkConstraints(String name, JsonNode declaration, String value) {
        JsonNode allowed = declaration.path("AllowedValues");
        if (allowed.isArray()) {
            boolean found = false;
            for (JsonNode a : allowed) {
                found |= a.asText().equals(value);
            }
            if (!found) {
                throw new IllegalArgumentException("Parameter " + name + " must be one of " + allowed + " but was " + value);
            }
        }
        // CloudFormation matches the whole value against the pattern.
        if (declaration.has("AllowedPattern") && !value.matches(declaration.get("AllowedPattern").asText())) {
            throw new IllegalArgumentException("Parameter " + name + " must match " + declaration.get("AllowedPattern").asText()
                    + " but was " + value);
        }
        if (declaration.has("MinLength") && value.length() < declaration.get("MinLength").asInt()
                || declaration.has("MaxLength") && value.length() > declaration.get("MaxLength").asInt()) {
            throw new IllegalArgumentException("Parameter " + name + " must have " + declaration.path("MinLength").asInt(0)
                    + " to " + declaration.path("MaxLength").asText("any") + " characters but was " + value);
        }
        if (declaration.path("Type").asText().equals("Number")) {
            double number;
            try {
                number = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("Parameter " + name + " must be a number but was " + value);
            }
            if (declaration.has("MinValue") && number < declaration.get("MinValue").asDouble()
                    || declaration.has("MaxValue") && number > declaration.get("MaxValue").asDouble()) {
                throw new IllegalArgumentException("Parameter " + name + " must be in [" + declaration.path("MinValue").asText()
                        + ", " + declaration.path("MaxValue").asText() + "] but was " + value);
            }
        }
    }

    /**
     * @param file a template file
     * @param options stack name, pseudo parameters, overrides
     * @return the instantiated template
     * @throws UncheckedIOException if unreadable
     * @throws IllegalArgumentException for an unknown parameter or one without value
     */
    public static Template load(Path file, TemplateOptions options) {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return new Template(CfnYaml.read(r), options);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read template " + file, e);
        }
    }

    /**
     * @param yaml template text
     * @param options stack name, pseudo parameters, overrides
     * @return the instantiated template
     */
    public static Template parse(String yaml, TemplateOptions options) {
        try {
            return new Template(CfnYaml.read(yaml), options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Finds {@code template.yaml} in the working directory or the nearest parent, so code run from the
     * repository root and from a module directory reads the same file.
     *
     * @return its path
     * @throws IllegalStateException if there is none
     */
    public static Path locate() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("template.yaml");
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("No template.yaml in " + Path.of("").toAbsolutePath() + " or its parents");
    }

    /** @return the resolved parameter values */
    public Map<String, JsonNode> parameters() {
        return Map.copyOf(parameters);
    }

    /** @return the options this template was instantiated with */
    public TemplateOptions options() {
        return options;
    }

    /** @return every resource, in document order */
    public List<TemplateResource> resources() {
        return new ArrayList<>(resources.values());
    }

    /** @param logicalId key under Resources @return the resource, if declared */
    public Optional<TemplateResource> resource(String logicalId) {
        return Optional.ofNullable(resources.get(logicalId));
    }

    /** @return the template's {@code Globals} section, resolved (a missing node if none) */
    public JsonNode globals() {
        JsonNode globals = root.path("Globals");
        return globals.isMissingNode() ? globals : resolve(globals);
    }

    /** @return the template's {@code Conditions} section (possibly missing) */
    JsonNode conditions() {
        return root.path("Conditions");
    }

    /**
     * @param node a value from the template
     * @return the value with every intrinsic function evaluated ({@code AWS::NoValue} entries removed)
     * @throws IllegalArgumentException for an unknown reference or unsupported function
     */
    public JsonNode resolve(JsonNode node) {
        return intrinsics.resolve(node);
    }

    /** @param logicalId a declared resource @return its physical name */
    public String physicalName(String logicalId) {
        TemplateResource r = require(logicalId);
        String prop = NAME_PROPERTY.get(r.type());
        if (prop != null && r.properties().has(prop)) {
            return resolve(r.properties().get(prop)).asText();
        }
        String generated = options.stackName() + "-" + logicalId;
        return r.type().equals("AWS::S3::Bucket") ? generated.toLowerCase(Locale.ROOT) : generated;
    }

    /** @param logicalId a declared resource @return its ARN in this template's region and account */
    public String arn(String logicalId) {
        TemplateResource r = require(logicalId);
        String name = physicalName(logicalId);
        String ra = options.region() + ":" + options.accountId();
        return switch (r.type()) {
            case "AWS::Kinesis::Stream" -> "arn:aws:kinesis:" + ra + ":stream/" + name;
            case "AWS::DynamoDB::Table" -> "arn:aws:dynamodb:" + ra + ":table/" + name;
            case "AWS::S3::Bucket" -> "arn:aws:s3:::" + name;
            case "AWS::SQS::Queue" -> "arn:aws:sqs:" + ra + ":" + name;
            case "AWS::Serverless::Function", "AWS::Lambda::Function" -> "arn:aws:lambda:" + ra + ":function:" + name;
            default -> "arn:aws:local:" + ra + ":" + logicalId;
        };
    }

    /** @param logicalId a declared resource @return what {@code Ref} returns for it (a queue's URL, else its name) */
    public String ref(String logicalId) {
        TemplateResource r = require(logicalId);
        if (r.type().equals("AWS::SQS::Queue")) {
            return "https://sqs." + options.region() + ".amazonaws.com/" + options.accountId() + "/" + physicalName(logicalId);
        }
        return physicalName(logicalId);
    }

    private TemplateResource require(String logicalId) {
        TemplateResource r = resources.get(logicalId);
        if (r == null) {
            throw new IllegalArgumentException("No resource " + logicalId + " in template");
        }
        return r;
    }
}
