/**
 * Samsa's own clients, written against kafka-clients' public interfaces ({@code Producer}, {@code Consumer},
 * serializers, records, exceptions) but implemented here: the producer (accumulator, sender, partitioner,
 * buffer pool, idempotence), the consumer and the admin client. Depends on no broker module.
 */
package io.samsa.clients;
