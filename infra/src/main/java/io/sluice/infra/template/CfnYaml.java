package io.sluice.infra.template;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;

/**
 * Reads CloudFormation YAML into a Jackson tree, turning the short-form tags into their long form:
 * {@code !Ref X} → {@code {"Ref": "X"}}, {@code !GetAtt A.B} → {@code {"Fn::GetAtt": ["A", "B"]}},
 * {@code !Sub s} → {@code {"Fn::Sub": s}}, {@code !Condition c} → {@code {"Condition": c}}, and any other
 * {@code !Name v} → {@code {"Fn::Name": v}}. Plain Jackson YAML ignores such tags and would silently turn
 * {@code !Ref ShardCount} into the string {@code "ShardCount"}; the parser still exposes them as type ids.
 */
public final class CfnYaml {
    private static final YAMLFactory YAML = new YAMLFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private CfnYaml() {
    }

    /**
     * @param text a CloudFormation/SAM template in YAML
     * @return the tree with intrinsic functions in long form
     * @throws IOException on malformed YAML
     */
    public static JsonNode read(String text) throws IOException {
        return read(new StringReader(text));
    }

    /**
     * @param reader a CloudFormation/SAM template in YAML
     * @return the tree with intrinsic functions in long form
     * @throws IOException on malformed YAML
     */
    public static JsonNode read(Reader reader) throws IOException {
        try (YAMLParser p = YAML.createParser(reader)) {
            if (p.nextToken() == null) {
                return NODES.objectNode();
            }
            return node(p);
        }
    }

    private static JsonNode node(YAMLParser p) throws IOException {
        String tag = p.getTypeId(); // read at the start token, before children move the parser on
        JsonNode value;
        JsonToken t = p.currentToken();
        if (t == JsonToken.START_OBJECT) {
            ObjectNode obj = NODES.objectNode();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                obj.set(name, node(p));
            }
            value = obj;
        } else if (t == JsonToken.START_ARRAY) {
            ArrayNode arr = NODES.arrayNode();
            while (p.nextToken() != JsonToken.END_ARRAY) {
                arr.add(node(p));
            }
            value = arr;
        } else if (t == JsonToken.VALUE_NUMBER_INT) {
            value = NODES.numberNode(p.getLongValue());
        } else if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            value = NODES.numberNode(p.getDecimalValue());
        } else if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
            value = NODES.booleanNode(t == JsonToken.VALUE_TRUE);
        } else if (t == JsonToken.VALUE_NULL) {
            value = NODES.nullNode();
        } else {
            value = NODES.textNode(p.getText());
        }
        return tag == null || tag.startsWith("tag:yaml.org") ? value : longForm(tag, value);
    }

    private static JsonNode longForm(String tag, JsonNode value) {
        ObjectNode fn = NODES.objectNode();
        switch (tag) {
            case "Ref" -> fn.set("Ref", value);
            case "Condition" -> fn.set("Condition", value);
            case "GetAtt" -> {
                if (value.isTextual()) {
                    String s = value.asText();
                    int dot = s.indexOf('.');
                    if (dot < 0) {
                        throw new IllegalArgumentException("!GetAtt needs Resource.Attribute, was " + s);
                    }
                    fn.set("Fn::GetAtt", NODES.arrayNode().add(s.substring(0, dot)).add(s.substring(dot + 1)));
                } else {
                    fn.set("Fn::GetAtt", value);
                }
            }
            default -> fn.set("Fn::" + tag, value);
        }
        return fn;
    }
}
