package io.samsa.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

/** {@code authorizer.class.name}, {@code super.users} and {@code allow.everyone.if.no.acl.found} as Kafka reads them. */
class AuthorizerConfigTest {
    @Test
    void offByDefaultAndWithAnEmptyClassName() {
        assertThat(BrokerConfig.from(Map.of()).authorizer().enabled()).isFalse();
        assertThat(BrokerConfig.from(Map.of("authorizer.class.name", "")).authorizer().enabled()).isFalse();
    }

    @Test
    void kafkasStandardAuthorizerTurnsItOnWithSuperUsersAndTheNoAclRule() {
        AuthorizerConfig a = BrokerConfig.from(Map.of(
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users", "User:admin; User:broker", "allow.everyone.if.no.acl.found", "true")).authorizer();
        assertThat(a.enabled()).isTrue();
        assertThat(a.superUsers()).containsExactlyInAnyOrder("User:admin", "User:broker");
        assertThat(a.allowEveryoneIfNoAclFound()).isTrue();
    }

    @Test
    void anotherAuthorizerOrAMalformedSuperUserStopsTheStartNamingTheKey() {
        assertThatThrownBy(() -> BrokerConfig.from(Map.of("authorizer.class.name", "kafka.security.MyAuthorizer")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("authorizer.class.name");
        assertThatThrownBy(() -> BrokerConfig.from(Map.of("super.users", "admin")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("super.users");
        assertThatThrownBy(() -> BrokerConfig.from(Map.of("allow.everyone.if.no.acl.found", "maybe")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("allow.everyone.if.no.acl.found");
    }
}
