/**
 * The one facade over kafka-clients' non-public protocol classes ({@code RequestHeader},
 * {@code AbstractRequest}, {@code RequestUtils}, {@code SendBuilder}, {@code RecordsSend}): framing,
 * header and body encoding/decoding for both directions, and zero-copy record sends. Everything else in
 * Samsa speaks in the generated {@code *Data} message classes (the schemas) and this package's types, so
 * that a kafka-clients upgrade that moves those internals touches only this package.
 */
package io.samsa.protocol;
