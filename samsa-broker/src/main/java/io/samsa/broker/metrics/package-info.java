/**
 * The broker's traffic counters ({@code BrokerStats}) and its Prometheus endpoint: plain-text exposition of
 * traffic, per-API request, connection and per-partition log metrics over HTTP ({@code metrics.port}), using only
 * the JDK's HTTP server.
 */
package io.samsa.broker.metrics;
