package io.sluice.functions.exception;

import java.util.Collection;

/** No pipeline is registered under the requested name. */
public class UnknownPipelineException extends SluiceException {

    public UnknownPipelineException(String name, Collection<String> known) {
        super("Unknown pipeline [" + name + "]; known pipelines: " + String.join(", ", known));
    }
}
