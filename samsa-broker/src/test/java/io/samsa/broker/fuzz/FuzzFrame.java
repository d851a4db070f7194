package io.samsa.broker.fuzz;

import java.util.HexFormat;

/**
 * One frame as sent on the wire, size header included, and how it was made.
 *
 * @param bytes the bytes sent
 * @param origin how it was made ("valid FETCH v12", "mutated: bit flips at 17, 40 of valid ..."), for the report
 * @param sizeHeaderMatches whether the size header equals the byte count that follows it; when it does not, the
 *     broker may legitimately wait for more bytes (or read the next frame's bytes as this one's)
 */
record FuzzFrame(byte[] bytes, String origin, boolean sizeHeaderMatches) {
    /** The API key the frame's header names (the broker answers by it), or -1 if the frame is too short. */
    short apiKey() {
        return bytes.length >= 6 ? (short) (((bytes[4] & 0xff) << 8) | (bytes[5] & 0xff)) : -1;
    }

    /** The header's API key and version as one int ({@link #apiKeyAndVersion(short, short)}), -1 if too short. */
    int apiKeyAndVersion() {
        return bytes.length >= 8
                ? apiKeyAndVersion(apiKey(), (short) (((bytes[6] & 0xff) << 8) | (bytes[7] & 0xff))) : -1;
    }

    static int apiKeyAndVersion(short key, short version) {
        return (key << 16) | (version & 0xffff);
    }

    String hex() {
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public String toString() {
        return origin + " (" + bytes.length + " bytes): " + hex();
    }
}
