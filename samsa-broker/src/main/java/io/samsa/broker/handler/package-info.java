/**
 * One class per Kafka API ("what happens on a Fetch" is in {@code FetchHandler}), each declaring the versions it
 * implements. Handlers speak in kafka-clients' generated {@code *RequestData}/{@code *ResponseData} classes and
 * ask the broker's services — topics ({@code topic}), partitions and leadership ({@code replica}), waiting
 * requests ({@code purgatory}), the cluster view ({@code cluster}), groups ({@code group}) — rather than assume
 * a single node; they never touch bytes on the wire.
 */
package io.samsa.broker.handler;
