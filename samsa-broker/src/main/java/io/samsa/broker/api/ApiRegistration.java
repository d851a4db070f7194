package io.samsa.broker.api;

import org.apache.kafka.common.protocol.ApiKeys;

/** An implemented API and the version range Samsa advertises for it: the dispatcher's table entry. */
public record ApiRegistration(ApiKeys apiKey, short minVersion, short maxVersion, ApiHandler<?> handler) {

    /** The entry for a handler, with the range the handler declares ({@link ApiHandler#versions()}). */
    public static ApiRegistration of(ApiHandler<?> handler) {
        ApiVersionRange v = handler.versions();
        return new ApiRegistration(v.apiKey(), v.minVersion(), v.maxVersion(), handler);
    }

    public boolean supports(short version) {
        return version >= minVersion && version <= maxVersion;
    }
}
