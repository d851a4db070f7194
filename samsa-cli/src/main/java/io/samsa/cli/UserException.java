package io.samsa.cli;

/** A mistake the user can fix; its message is printed as the one line of output, exit code 1. */
final class UserException extends RuntimeException {
    UserException(String message) {
        super(message);
    }
}
