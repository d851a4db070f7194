package io.samsa.protocol.archfixture;

/** Planted violation (samsa-protocol depends on another Samsa module). */
public final class ProtocolUsesLog {
    private io.samsa.log.Log log;
}
