package io.samsa.network.server;

import io.samsa.network.auth.Principal;
import io.samsa.network.auth.SecurityProtocol;

/**
 * Who sent a frame, fixed once the connection has authenticated: its address, the listener it came in on, that
 * listener's security protocol and the authenticated principal. Immutable; passed with every frame.
 */
public record Session(FrameHandler.ClientAddress client, String listenerName, SecurityProtocol securityProtocol,
                      Principal principal) {

    /** A plaintext, anonymous session on the PLAINTEXT listener: for tests and in-process callers. */
    public static Session anonymous(FrameHandler.ClientAddress client) {
        return new Session(client, SecurityProtocol.PLAINTEXT.name(), SecurityProtocol.PLAINTEXT, Principal.ANONYMOUS);
    }
}
