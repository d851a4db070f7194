/**
 * The one {@code samsa} command line (picocli): server, topics, produce, consume, perf and demo.
 */
package io.samsa.cli;
