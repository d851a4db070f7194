package io.samsa.broker.api;

import org.apache.kafka.common.protocol.ApiKeys;

/** An implemented API and the version range Samsa advertises for it. */
public record ApiRegistration(ApiKeys apiKey, short minVersion, short maxVersion, ApiHandler<?> handler) {

    public boolean supports(short version) {
        return version >= minVersion && version <= maxVersion;
    }
}
