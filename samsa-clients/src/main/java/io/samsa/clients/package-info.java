/**
 * Samsa's own clients, written against kafka-clients' public interfaces ({@code Producer}, {@code Consumer},
 * serializers, records, exceptions) but implemented here: the producer (accumulator, sender, partitioner,
 * buffer pool, idempotence), the consumer and the admin client, all three built on one client core
 * ({@code core}: settings, bootstrap, network, metadata). Depends on no broker module; command-line tools live
 * in samsa-cli.
 */
package io.samsa.clients;
