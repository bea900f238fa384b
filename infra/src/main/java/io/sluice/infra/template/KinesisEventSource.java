package io.sluice.infra.template;

/**
 * A Kinesis event of a function in the template, with the settings of its event source mapping.
 *
 * @param functionLogicalId key of the function under Resources
 * @param eventName key of the event under the function's {@code Events}
 * @param handler the function's {@code Handler}, e.g. {@code io.sluice.functions.lambda.KinesisOperatorHandler::handleRequest}
 * @param environment the function's environment variables, resolved
 * @param settings the mapping's settings, with the function's physical name and the stream's name
 */
public record KinesisEventSource(String functionLogicalId, String eventName, String handler,
                                 java.util.Map<String, String> environment, KinesisEventSettings settings) {

    /** @return the handler class name (the part of {@code Handler} before {@code ::}) */
    public String handlerClass() {
        int sep = handler.indexOf("::");
        return sep < 0 ? handler : handler.substring(0, sep);
    }
}
