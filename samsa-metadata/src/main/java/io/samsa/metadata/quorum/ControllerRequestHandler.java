package io.samsa.metadata.quorum;

import java.util.concurrent.CompletionStage;

/** Serves controller calls on the quorum leader (see {@link ControllerChannel}); must not block the caller. */
public interface ControllerRequestHandler {
    CompletionStage<byte[]> handle(byte[] request);
}
