/**
 * The facade over kafka-clients' non-public classes, and the only module allowed to use them (the layering
 * test in samsa-architecture fails the build on a use elsewhere): framing, header and body encoding/decoding
 * for both directions and zero-copy record sends (this package: {@code RequestHeader}, {@code AbstractRequest},
 * {@code RequestUtils}, {@code SendBuilder}, {@code RecordsSend}); record batches — header, writer, compression,
 * decompression, reading — in {@code io.samsa.protocol.records}; the consumer protocol's subscription and
 * assignment codec in {@code io.samsa.protocol.consumer}. Everything else in Samsa speaks in the generated
 * {@code *Data} message classes (the schemas), kafka-clients' public API and this module's types, so that a
 * kafka-clients upgrade that moves those internals touches only this module.
 */
package io.samsa.protocol;
