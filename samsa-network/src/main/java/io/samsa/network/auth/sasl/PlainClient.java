package io.samsa.network.auth.sasl;

import java.nio.charset.StandardCharsets;

import io.samsa.network.auth.SaslMechanismClient;

/** The client side of SASL/PLAIN (RFC 4616): one token, {@code NUL user NUL password}, and no authzid. */
public final class PlainClient implements SaslMechanismClient {
    private final String user;
    private final String password;
    private boolean sent;

    public PlainClient(String user, String password) {
        this.user = user;
        this.password = password;
    }

    @Override
    public String mechanismName() {
        return PlainServer.MECHANISM;
    }

    @Override
    public byte[] initialResponse() {
        sent = true;
        return ("\u0000" + user + "\u0000" + password).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] evaluate(byte[] challenge) {
        return null;
    }

    @Override
    public boolean isComplete() {
        return sent;
    }
}
