package io.samsa.network.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@code ssl.principal.mapping.rules} with Kafka's syntax and its documented examples. */
class SslPrincipalMapperTest {

    @Test
    void defaultKeepsTheWholeDistinguishedName() {
        assertThat(SslPrincipalMapper.fromRules(null).map("CN=alice,OU=test")).contains("CN=alice,OU=test");
        assertThat(SslPrincipalMapper.fromRules("DEFAULT").map("CN=alice,OU=test")).contains("CN=alice,OU=test");
    }

    @Test
    void firstMatchingRuleWinsWithCaseConversion() {
        // the example of Kafka's documentation
        SslPrincipalMapper mapper = SslPrincipalMapper.fromRules(
                "RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/,RULE:^CN=(.*?),OU=(.*?),O=(.*?),L=(.*?),ST=(.*?),C=(.*?)$/$1@$2/L,"
                        + "RULE:^.*[Cc][Nn]=([a-zA-Z0-9.]*).*$/$1/L,DEFAULT");
        assertThat(mapper.map("CN=kafka-server1,OU=ServiceUsers,O=Org,C=US")).contains("kafka-server1");
        assertThat(mapper.map("CN=Duke,OU=JavaSoft,O=Sun Microsystems,L=Palo Alto,ST=CA,C=US"))
                .contains("duke@javasoft");
        assertThat(mapper.map("OU=x,CN=Bob.Smith,O=y")).contains("bob.smith");
        assertThat(mapper.map("OU=nothing")).contains("OU=nothing");
        assertThat(SslPrincipalMapper.fromRules("RULE:^CN=(.*)$/$1/U").map("CN=alice")).contains("ALICE");
    }

    @Test
    void noMatchingRuleMapsToNothing() {
        assertThat(SslPrincipalMapper.fromRules("RULE:^CN=(.*?),OU=test$/$1/").map("CN=bob,OU=prod")).isEmpty();
    }

    @Test
    void escapedSlashesAndMissingGroupsStayLiteral() {
        assertThat(SslPrincipalMapper.fromRules("RULE:^CN=(.*)$/users\\/$1/").map("CN=alice")).contains("users/alice");
        assertThat(SslPrincipalMapper.fromRules("RULE:^CN=(.*)$/$1$2/").map("CN=alice")).contains("alice$2");
    }

    @Test
    void invalidRulesAreRefusedNamingTheKey() {
        for (String bad : new String[] {"RULE:x/y/Q", "DEFAUL", "RULE:x", "RULE:(/y/"}) {
            assertThatThrownBy(() -> SslPrincipalMapper.fromRules(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ssl.principal.mapping.rules");
        }
    }
}
