package io.sluice.infra.template;

import java.util.Map;
import java.util.Objects;

/**
 * How a template is instantiated: the stack name, the pseudo parameters and parameter overrides
 * (the rest take their {@code Default}).
 *
 * <pre>{@code
 * TemplateOptions.local().withParameter("Stage", "test1")   // stack sluice-local, us-east-1, 000000000000
 * }</pre>
 *
 * @param stackName value of {@code AWS::StackName}
 * @param region value of {@code AWS::Region}
 * @param accountId value of {@code AWS::AccountId}
 * @param parameters overrides by parameter name
 */
public record TemplateOptions(String stackName, String region, String accountId, Map<String, String> parameters) {

    /** Copies the overrides and rejects nulls. */
    public TemplateOptions {
        Objects.requireNonNull(stackName, "stackName");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accountId, "accountId");
        parameters = Map.copyOf(parameters);
    }

    /** @return stack {@code sluice-local} in {@code us-east-1}, account {@code 000000000000} (LocalStack's and kinesis-mock's) */
    public static TemplateOptions local() {
        return new TemplateOptions("sluice-local", "us-east-1", "000000000000", Map.of());
    }

    /** @param name parameter @param value its value @return a copy with the override */
    public TemplateOptions withParameter(String name, String value) {
        Map<String, String> p = new java.util.HashMap<>(parameters);
        p.put(name, value);
        return new TemplateOptions(stackName, region, accountId, p);
    }

    /** @param name stack name @return a copy */
    public TemplateOptions withStackName(String name) {
        return new TemplateOptions(name, region, accountId, parameters);
    }
}
