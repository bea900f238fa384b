package io.sluice.localstack.emulator;

import io.sluice.localstack.LocalAwsException;

/** An emulator could not bind the free port it was given: another process took it in between. */
final class PortTakenException extends LocalAwsException {
    private static final long serialVersionUID = 1L;

    PortTakenException(String message) {
        super(message);
    }
}
