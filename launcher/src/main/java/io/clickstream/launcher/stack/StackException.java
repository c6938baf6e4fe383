package io.clickstream.launcher.stack;

/** A problem the user can fix (port taken, folder not writable, a component that did not start): printed, no stack trace. */
public class StackException extends RuntimeException {
    public StackException(String message) {
        super(message);
    }
}
