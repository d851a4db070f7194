/**
 * The one {@code samsa} command line (picocli): server, topics, produce, consume, groups, transactions, perf, demo
 * and cluster.
 */
package io.samsa.cli;
