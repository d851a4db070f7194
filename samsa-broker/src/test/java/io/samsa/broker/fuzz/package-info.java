/**
 * The protocol fuzzer ({@link io.samsa.broker.fuzz.FrameFuzzTest}): seeded streams of valid requests for every
 * advertised API key and version (built by reflection from kafka-clients' generated request classes), their
 * mutations and random frames, sent by parallel workers against a broker process, which must stay healthy and
 * keep the data written before the run. Frames that would delete that data or hit a known, separately fixed
 * defect are screened out ({@code KnownDataGuard}, {@code KnownDefects}).
 */
package io.samsa.broker.fuzz;
