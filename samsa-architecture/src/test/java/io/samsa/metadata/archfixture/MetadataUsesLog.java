package io.samsa.metadata.archfixture;

/** Planted violation (metadata → log: the metadata state machine is log-free). */
public final class MetadataUsesLog {
    private io.samsa.log.Log log;
}
