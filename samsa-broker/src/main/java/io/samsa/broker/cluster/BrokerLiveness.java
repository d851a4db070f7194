package io.samsa.broker.cluster;

import io.samsa.metadata.MetadataImage;

/**
 * Which registered brokers clients are told about: Kafka names only registered, unfenced brokers, and counts a
 * replica on any other broker as offline. The fencing state belongs to the controller's records; this seam lets
 * the broker follow whatever the image says without knowing how fencing is recorded.
 */
@FunctionalInterface
public interface BrokerLiveness {
    /** Every registered broker is alive: a single node, or an image that does not record fencing. */
    BrokerLiveness REGISTERED = (image, brokerId) -> image.brokers().containsKey(brokerId);

    boolean isAlive(MetadataImage image, int brokerId);
}
