package io.samsa.broker.api;

import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The versions of one API a handler implements, as ApiVersions advertises them. Each handler declares its own
 * (a constant next to the code that must handle every version in it), so adding a version is one change in
 * one file.
 */
public record ApiVersionRange(ApiKeys apiKey, short minVersion, short maxVersion) {

    public ApiVersionRange {
        if (minVersion < 0 || minVersion > maxVersion) {
            throw new IllegalArgumentException(apiKey + ": bad version range " + minVersion + "–" + maxVersion);
        }
    }

    public static ApiVersionRange of(ApiKeys apiKey, int minVersion, int maxVersion) {
        return new ApiVersionRange(apiKey, (short) minVersion, (short) maxVersion);
    }

    public boolean supports(short version) {
        return version >= minVersion && version <= maxVersion;
    }
}
