package io.samsa.network.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SelectionKey;

import org.junit.jupiter.api.Test;

import io.samsa.network.auth.Authenticator;
import io.samsa.network.auth.Principal;
import io.samsa.network.auth.SecurityProtocol;
import io.samsa.network.server.Connection.State;
import io.samsa.network.transport.FakeTransport;

/** The server connection's life cycle: which transitions exist, and setup before any request. */
class ConnectionStateTest {
    private static final Endpoint INTERNAL = new Endpoint("internal", "127.0.0.1", 0, SecurityProtocol.PLAINTEXT);

    private static Connection connection(FakeTransport transport, Authenticator authenticator) {
        return new Connection(7, transport, authenticator, InetAddress.getLoopbackAddress(),
                new FrameHandler.ClientAddress("127.0.0.1", 5555, 7), INTERNAL, 0);
    }

    @Test
    void plaintextPassesHandshakeAndAuthenticationAtOnceAsAnonymous() throws IOException {
        Connection c = connection(new FakeTransport(0, Integer.MAX_VALUE), Authenticator.anonymous());
        assertThat(c.state()).isEqualTo(State.HANDSHAKING);
        assertThat(c.session()).as("no session before authentication").isNull();

        assertThat(c.advanceSetup()).isTrue();

        assertThat(c.state()).isEqualTo(State.READING);
        assertThat(c.session().principal()).isEqualTo(Principal.ANONYMOUS);
        assertThat(c.session().principal()).hasToString("User:ANONYMOUS");
        assertThat(c.session().listenerName()).isEqualTo("INTERNAL");
        assertThat(c.session().securityProtocol()).isEqualTo(SecurityProtocol.PLAINTEXT);
        assertThat(c.session().client().connectionId()).isEqualTo(7);
    }

    @Test
    void staysInEachSetupStateUntilItsStepCompletes() throws IOException {
        int[] authSteps = {2};
        Authenticator twoSteps = new Authenticator() {
            @Override
            public boolean authenticate() {
                return --authSteps[0] == 0;
            }

            @Override
            public Principal principal() {
                return new Principal("User", "alice");
            }
        };
        Connection c = connection(new FakeTransport(2, Integer.MAX_VALUE), twoSteps);

        assertThat(c.advanceSetup()).isFalse();
        assertThat(c.state()).isEqualTo(State.HANDSHAKING);
        assertThat(c.interestOps()).isEqualTo(SelectionKey.OP_READ);
        assertThat(c.advanceSetup()).isFalse();
        assertThat(c.state()).isEqualTo(State.AUTHENTICATING);
        assertThat(c.session()).isNull();
        assertThat(c.advanceSetup()).isTrue();
        assertThat(c.state()).isEqualTo(State.READING);
        assertThat(c.session().principal()).hasToString("User:alice");
    }

    @Test
    void onlyTheDrawnTransitionsAreAllowed() {
        Connection c = connection(new FakeTransport(0, Integer.MAX_VALUE), Authenticator.anonymous());
        assertThatThrownBy(() -> c.moveTo(State.READING)).as("no reading before authentication")
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("HANDSHAKING -> READING");
        assertThatThrownBy(() -> c.moveTo(State.PROCESSING)).isInstanceOf(IllegalStateException.class);
        c.moveTo(State.AUTHENTICATING);
        assertThatThrownBy(() -> c.moveTo(State.PROCESSING)).as("no request before authentication")
                .isInstanceOf(IllegalStateException.class);
        c.moveTo(State.READING);
        assertThatThrownBy(() -> c.moveTo(State.SENDING)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> c.moveTo(State.HANDSHAKING)).isInstanceOf(IllegalStateException.class);
        c.moveTo(State.AUTHENTICATING); // re-authentication (KIP-368)
        c.moveTo(State.READING);
        c.moveTo(State.PROCESSING);
        assertThatThrownBy(() -> c.moveTo(State.AUTHENTICATING)).as("never with a request in flight")
                .isInstanceOf(IllegalStateException.class);
        c.moveTo(State.READING);
        c.moveTo(State.PROCESSING);
        c.moveTo(State.READING); // no response (acks=0)
        c.moveTo(State.PROCESSING);
        c.moveTo(State.SENDING);
        assertThatThrownBy(() -> c.moveTo(State.PROCESSING)).isInstanceOf(IllegalStateException.class);
        c.moveTo(State.READING);
        c.close();
        assertThat(c.state()).isEqualTo(State.CLOSED);
        assertThatThrownBy(() -> c.moveTo(State.READING)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void whileAuthenticatingItWaitsForWritabilityOnlyWhenTheAuthenticatorHasBytesStuck() throws IOException {
        boolean[] stuck = {true};
        Authenticator writing = new Authenticator() {
            @Override
            public boolean authenticate() {
                return false;
            }

            @Override
            public boolean wantsWrite() {
                return stuck[0];
            }

            @Override
            public Principal principal() {
                return new Principal("User", "alice");
            }
        };
        Connection c = connection(new FakeTransport(0, Integer.MAX_VALUE), writing);
        assertThat(c.advanceSetup()).isFalse();
        assertThat(c.state()).isEqualTo(State.AUTHENTICATING);
        assertThat(c.interestOps()).isEqualTo(SelectionKey.OP_WRITE);
        stuck[0] = false;
        assertThat(c.interestOps()).isEqualTo(SelectionKey.OP_READ);
    }

    @Test
    void aConnectionMayCloseFromEveryState() {
        for (State s : State.values()) {
            Connection c = connection(new FakeTransport(0, Integer.MAX_VALUE), Authenticator.anonymous());
            walkTo(c, s);
            c.close();
            assertThat(c.state()).as("closed from " + s).isEqualTo(State.CLOSED);
        }
    }

    private static void walkTo(Connection c, State target) {
        State[] path = {State.AUTHENTICATING, State.READING, State.PROCESSING, State.SENDING, State.THROTTLED};
        for (State step : path) {
            if (c.state() == target || target == State.CLOSED) {
                return;
            }
            c.moveTo(step);
        }
    }
}
