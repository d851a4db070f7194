package io.samsa.network.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** Kafka's one-line {@code sasl.jaas.config} syntax, as Kafka's docs and tools write it. */
class JaasConfigTest {

    @Test
    void plainLoginModuleOfABroker() {
        JaasConfig c = JaasConfig.parse("org.apache.kafka.common.security.plain.PlainLoginModule required\n"
                + "    username=\"admin\"\n    password=\"admin-secret\"\n    user_admin=\"admin-secret\"\n"
                + "    user_alice=\"alice-secret\";");
        assertThat(c.loginModule()).isEqualTo("org.apache.kafka.common.security.plain.PlainLoginModule");
        assertThat(c.controlFlag()).isEqualTo("required");
        assertThat(c.options()).containsExactly(Map.entry("username", "admin"), Map.entry("password", "admin-secret"),
                Map.entry("user_admin", "admin-secret"), Map.entry("user_alice", "alice-secret"));
        assertThat(c.toString()).doesNotContain("secret");
    }

    @Test
    void quotedValuesKeepSpecialCharactersAndEscapes() {
        JaasConfig c = JaasConfig.parse("org.apache.kafka.common.security.scram.ScramLoginModule REQUIRED "
                + "username='bob' password=\"p=a;s \\\"s\\\\ w\\nd\" tokenauth=true;");
        assertThat(c.controlFlag()).isEqualTo("required");
        assertThat(c.option("username")).isEqualTo("bob");
        assertThat(c.option("password")).isEqualTo("p=a;s \"s\\ w\nd");
        assertThat(c.option("tokenauth")).isEqualTo("true");
    }

    @Test
    void commentsAndNoOptions() {
        JaasConfig c = JaasConfig.parse("/* broker */ com.example.Module optional // nothing\n;");
        assertThat(c.controlFlag()).isEqualTo("optional");
        assertThat(c.options()).isEmpty();
    }

    @Test
    void kafkasErrors() {
        assertThatThrownBy(() -> JaasConfig.parse("")).hasMessageContaining("0 login modules");
        assertThatThrownBy(() -> JaasConfig.parse("a.B required username=\"x\""))
                .hasMessageContaining("not terminated by semi-colon");
        assertThatThrownBy(() -> JaasConfig.parse("a.B mandatory;"))
                .hasMessageContaining("Invalid login module control flag 'mandatory'");
        assertThatThrownBy(() -> JaasConfig.parse("a.B required username;"))
                .hasMessageContaining("Value not specified for key 'username'");
        assertThatThrownBy(() -> JaasConfig.parse("a.B required username=;"))
                .hasMessageContaining("Value not specified for key 'username'");
        assertThatThrownBy(() -> JaasConfig.parse("a.B required; c.D required;"))
                .hasMessageContaining("more than one login module");
        assertThatThrownBy(() -> JaasConfig.parse("a.B required password=\"open;"))
                .hasMessageContaining("unterminated");
    }
}
