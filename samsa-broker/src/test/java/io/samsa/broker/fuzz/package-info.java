/**
 * The protocol fuzzer ({@link io.samsa.broker.fuzz.FrameFuzzTest}): seeded streams of valid requests for every
 * advertised API key and version (built by reflection from kafka-clients' generated request classes), their
 * mutations and random frames, sent by parallel workers against a broker process, which must stay healthy and
 * keep the data written before the run, and every partition written to must still be readable by a stock
 * consumer. Frames that would delete that data are screened out ({@code KnownDataGuard}).
 */
package io.samsa.broker.fuzz;
