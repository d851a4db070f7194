package io.samsa.metadata.quorum;

import java.util.concurrent.CompletionStage;

/**
 * A request/response path from any node to the active controller (the leader of the metadata quorum), carried by
 * the quorum's own transport on the controller listener. The bytes are an encoded controller call; the leader
 * hands them to its {@link ControllerRequestHandler}. Fails with NotControllerException (retriable) while no
 * leader is known.
 */
public interface ControllerChannel {
    CompletionStage<byte[]> call(byte[] request);
}
