package io.sluice.state;

/** Base of the state store's unchecked errors; the message names the item concerned. */
public class StateStoreException extends RuntimeException {

    public StateStoreException(String message) {
        super(message);
    }

    public StateStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
