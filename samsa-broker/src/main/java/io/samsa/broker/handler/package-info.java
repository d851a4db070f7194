/**
 * One class per Kafka API ("what happens on a Fetch" is in {@code FetchHandler}). Handlers speak in
 * kafka-clients' generated {@code *RequestData}/{@code *ResponseData} classes and the broker's own
 * services (topics, logs, producer ids); they never touch bytes on the wire.
 */
package io.samsa.broker.handler;
