package io.samsa.network.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;

import org.junit.jupiter.api.Test;

import io.samsa.network.client.NodeConnection.State;
import io.samsa.network.transport.FakeTransport;

/** The client connection's life cycle: connect, handshake, authenticate, negotiate, ready — in that order only. */
class NodeConnectionStateTest {

    @Test
    void plaintextPassesHandshakeAndAuthenticationAtOnce() throws IOException {
        NodeConnection c = new NodeConnection(1, new FakeTransport(0, Integer.MAX_VALUE), null, 0);
        assertThat(c.state()).isEqualTo(State.CONNECTING);
        assertThat(c.advanceSetup()).isTrue();
        assertThat(c.state()).isEqualTo(State.AUTHENTICATING);
        assertThat(c.settingUp()).isTrue();
        c.moveTo(State.NEGOTIATING);
        assertThat(c.settingUp()).isFalse();
        c.moveTo(State.READY);
    }

    @Test
    void aSlowHandshakeHoldsTheConnectionBackFromNegotiating() throws IOException {
        NodeConnection c = new NodeConnection(1, new FakeTransport(3, Integer.MAX_VALUE), null, 0);
        assertThat(c.advanceSetup()).isFalse();
        assertThat(c.advanceSetup()).isFalse();
        assertThat(c.state()).isEqualTo(State.HANDSHAKING);
        assertThat(c.advanceSetup()).isTrue();
        assertThat(c.state()).isEqualTo(State.AUTHENTICATING);
    }

    @Test
    void onlyTheDrawnTransitionsAreAllowed() {
        NodeConnection c = new NodeConnection(1, new FakeTransport(0, Integer.MAX_VALUE), null, 0);
        assertThatThrownBy(() -> c.moveTo(State.NEGOTIATING)).as("no ApiVersions before the handshake")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CONNECTING -> NEGOTIATING");
        assertThatThrownBy(() -> c.moveTo(State.READY)).isInstanceOf(IllegalStateException.class);
        c.moveTo(State.HANDSHAKING);
        assertThatThrownBy(() -> c.moveTo(State.NEGOTIATING)).isInstanceOf(IllegalStateException.class);
        c.moveTo(State.AUTHENTICATING);
        assertThatThrownBy(() -> c.moveTo(State.READY)).as("no requests before negotiating")
                .isInstanceOf(IllegalStateException.class);
        c.moveTo(State.NEGOTIATING);
        c.moveTo(State.READY);
        assertThatThrownBy(() -> c.moveTo(State.NEGOTIATING)).isInstanceOf(IllegalStateException.class);
    }
}
