/**
 * Request dispatch: decodes each frame with samsa-protocol's {@code WireCodec}, routes it by API key to its
 * handler if the version is one Samsa implements, and encodes the handler's response. The table of
 * handlers and their version ranges here is exactly what ApiVersions advertises.
 */
package io.samsa.broker.api;
