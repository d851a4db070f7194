package io.samsa.broker.group;

/** One protocol a member supports (e.g. "range", "cooperative-sticky") and its opaque metadata. */
public record Protocol(String name, byte[] metadata) {
}
