package io.sluice.infra.template;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Evaluates CloudFormation intrinsic functions against a {@link Template}: {@code Ref}, {@code Fn::Sub}
 * (both forms, {@code ${!Literal}}), {@code Fn::GetAtt} ({@code Arn}, {@code QueueUrl}, {@code QueueName},
 * {@code Name}), {@code Fn::If}, {@code Fn::Equals}, {@code Fn::Not}, {@code Fn::And}, {@code Fn::Or},
 * {@code Condition}, {@code Fn::Join}, {@code Fn::Select}, {@code Fn::Split} and the pseudo parameters
 * {@code AWS::StackName}, {@code AWS::Region}, {@code AWS::AccountId}, {@code AWS::Partition},
 * {@code AWS::URLSuffix}, {@code AWS::NoValue}.
 */
final class Intrinsics {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern SUB_VAR = Pattern.compile("\\$\\{([^}]*)}");

    private final Template template;

    Intrinsics(Template template) {
        this.template = template;
    }

    JsonNode resolve(JsonNode node) {
        if (node.isObject()) {
            if (node.size() == 1) {
                String fn = node.fieldNames().next();
                if (fn.equals("Ref") || fn.equals("Condition") || fn.startsWith("Fn::")) {
                    return function(fn, node.get(fn));
                }
            }
            ObjectNode out = NODES.objectNode();
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode v = resolve(e.getValue());
                if (!v.isMissingNode()) {
                    out.set(e.getKey(), v);
                }
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            for (JsonNode n : node) {
                JsonNode v = resolve(n);
                if (!v.isMissingNode()) {
                    out.add(v);
                }
            }
            return out;
        }
        return node;
    }

    private JsonNode function(String fn, JsonNode arg) {
        switch (fn) {
            case "Ref":
                return ref(arg.asText());
            case "Condition":
                return NODES.booleanNode(condition(arg.asText()));
            case "Fn::Sub":
                return NODES.textNode(sub(arg));
            case "Fn::GetAtt": {
                JsonNode a = resolve(arg);
                return NODES.textNode(getAtt(a.get(0).asText(), a.get(1).asText()));
            }
            case "Fn::If": {
                boolean c = condition(arg.get(0).asText());
                return resolve(arg.get(c ? 1 : 2));
            }
            case "Fn::Equals":
                return NODES.booleanNode(resolve(arg.get(0)).asText().equals(resolve(arg.get(1)).asText()));
            case "Fn::Not":
                return NODES.booleanNode(!resolve(arg.get(0)).asBoolean());
            case "Fn::And": {
                boolean all = true;
                for (JsonNode c : arg) {
                    all &= resolve(c).asBoolean();
                }
                return NODES.booleanNode(all);
            }
            case "Fn::Or": {
                boolean any = false;
                for (JsonNode c : arg) {
                    any |= resolve(c).asBoolean();
                }
                return NODES.booleanNode(any);
            }
            case "Fn::Join": {
                StringBuilder sb = new StringBuilder();
                String sep = arg.get(0).asText();
                for (JsonNode part : resolve(arg.get(1))) {
                    sb.append(sb.length() > 0 ? sep : "").append(part.asText());
                }
                return NODES.textNode(sb.toString());
            }
            case "Fn::Select":
                return resolve(arg.get(1)).get(resolve(arg.get(0)).asInt());
            case "Fn::Split": {
                ArrayNode out = NODES.arrayNode();
                for (String s : resolve(arg.get(1)).asText().split(Pattern.quote(arg.get(0).asText()), -1)) {
                    out.add(s);
                }
                return out;
            }
            default:
                throw new IllegalArgumentException("Unsupported intrinsic function " + fn);
        }
    }

    private JsonNode ref(String name) {
        switch (name) {
            case "AWS::StackName":
                return NODES.textNode(template.options().stackName());
            case "AWS::Region":
                return NODES.textNode(template.options().region());
            case "AWS::AccountId":
                return NODES.textNode(template.options().accountId());
            case "AWS::Partition":
                return NODES.textNode("aws");
            case "AWS::URLSuffix":
                return NODES.textNode("amazonaws.com");
            case "AWS::NoValue":
                return MissingNode.getInstance();
            default:
                break;
        }
        JsonNode p = template.parameters().get(name);
        if (p != null) {
            return p;
        }
        if (template.resource(name).isPresent()) {
            return NODES.textNode(template.ref(name));
        }
        throw new IllegalArgumentException("Ref to unknown parameter or resource " + name);
    }

    private String getAtt(String logicalId, String attribute) {
        return switch (attribute) {
            case "Arn" -> template.arn(logicalId);
            case "QueueUrl" -> template.ref(logicalId);
            case "QueueName", "Name" -> template.physicalName(logicalId);
            default -> throw new IllegalArgumentException("Unsupported attribute " + logicalId + "." + attribute);
        };
    }

    private boolean condition(String name) {
        JsonNode c = template.conditions().get(name);
        if (c == null) {
            throw new IllegalArgumentException("Unknown condition " + name);
        }
        return resolve(c).asBoolean();
    }

    private String sub(JsonNode arg) {
        String text = arg.isArray() ? arg.get(0).asText() : arg.asText();
        JsonNode vars = arg.isArray() && arg.size() > 1 ? arg.get(1) : NODES.objectNode();
        Matcher m = SUB_VAR.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String var = m.group(1);
            String value;
            if (var.startsWith("!")) {
                value = "${" + var.substring(1) + "}";
            } else if (vars.has(var)) {
                value = resolve(vars.get(var)).asText();
            } else if (var.contains(".") && !var.startsWith("AWS::")) {
                int dot = var.indexOf('.');
                value = getAtt(var.substring(0, dot), var.substring(dot + 1));
            } else {
                value = ref(var).asText();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
