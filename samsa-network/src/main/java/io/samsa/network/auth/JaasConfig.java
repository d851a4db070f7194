package io.samsa.network.auth;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One login module of Kafka's {@code sasl.jaas.config} (also {@code listener.name.NAME.MECH.sasl.jaas.config}):
 * <pre>
 *   org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="s3cret" user_alice="a";
 * </pre>
 * The syntax is Kafka's (a JAAS entry without the braces): the module's class name, a control flag
 * ({@code required}, {@code requisite}, {@code sufficient}, {@code optional}), then {@code key=value} options, and
 * a ';'. Values are words or quoted with '"' or '\'' (backslash escapes {@code \n \t \r \b \f}, any other
 * character stands for itself); {@code //} and {@code /* *}{@code /} comments are skipped. Exactly one module,
 * as Kafka requires. Immutable.
 *
 * @param loginModule the login module's class name
 * @param controlFlag the control flag, lower case
 * @param options the options, in the order given
 */
public record JaasConfig(String loginModule, String controlFlag, Map<String, String> options) {
    private static final Set<String> CONTROL_FLAGS = Set.of("required", "requisite", "sufficient", "optional");

    public JaasConfig {
        options = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(options));
    }

    /** The option's value, or null. */
    public String option(String key) {
        return options.get(key);
    }

    /** Parses a {@code sasl.jaas.config} value; an {@link IllegalArgumentException} says what is wrong. */
    public static JaasConfig parse(String text) {
        Tokens tokens = new Tokens(text);
        String module = tokens.next();
        if (module == null) {
            throw new IllegalArgumentException("JAAS config property contains 0 login modules, should be 1 module");
        }
        if (tokens.quoted || module.equals(";") || module.equals("=")) {
            throw new IllegalArgumentException("Invalid JAAS config: expected a login module class name, got '"
                    + module + "'");
        }
        String flag = tokens.next();
        if (flag == null || !CONTROL_FLAGS.contains(flag.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("Invalid login module control flag '" + flag + "' in JAAS config");
        }
        Map<String, String> options = new LinkedHashMap<>();
        while (true) {
            String key = tokens.next();
            if (key == null) {
                throw new IllegalArgumentException("JAAS config entry not terminated by semi-colon");
            }
            if (key.equals(";") && !tokens.quoted) {
                break;
            }
            String equals = tokens.next();
            if (!"=".equals(equals) || tokens.quoted) {
                throw new IllegalArgumentException("Value not specified for key '" + key + "' in JAAS config");
            }
            String value = tokens.next();
            if (value == null || (!tokens.quoted && (value.equals(";") || value.equals("=")))) {
                throw new IllegalArgumentException("Value not specified for key '" + key + "' in JAAS config");
            }
            options.put(key, value);
        }
        if (tokens.next() != null) {
            throw new IllegalArgumentException("JAAS config property contains more than one login module,"
                    + " should be 1 module");
        }
        return new JaasConfig(module, flag.toLowerCase(Locale.ROOT), options);
    }

    @Override
    public String toString() {
        // Options are left out: they hold passwords.
        return loginModule + " " + controlFlag + " (" + options.size() + " options)";
    }

    /** Words, quoted strings, and the single characters '=' and ';'; null at the end. */
    private static final class Tokens {
        private final String text;
        private int pos;
        /** Whether the last token was a quoted string (so "=" in quotes is a value, not a separator). */
        boolean quoted;

        Tokens(String text) {
            this.text = text;
        }

        String next() {
            skipSpaceAndComments();
            quoted = false;
            if (pos >= text.length()) {
                return null;
            }
            char c = text.charAt(pos);
            if (c == '=' || c == ';') {
                pos++;
                return String.valueOf(c);
            }
            if (c == '"' || c == '\'') {
                quoted = true;
                return quotedString(c);
            }
            int start = pos;
            while (pos < text.length() && isWordChar(text.charAt(pos))) {
                pos++;
            }
            if (pos == start) {
                throw new IllegalArgumentException("Invalid JAAS config: unexpected character '" + c
                        + "' at offset " + pos);
            }
            return text.substring(start, pos);
        }

        private String quotedString(char quote) {
            StringBuilder value = new StringBuilder();
            pos++;
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == quote) {
                    return value.toString();
                }
                if (c == '\\' && pos < text.length()) {
                    char e = text.charAt(pos++);
                    value.append(switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        case 'b' -> '\b';
                        case 'f' -> '\f';
                        default -> e;
                    });
                } else {
                    value.append(c);
                }
            }
            throw new IllegalArgumentException("Invalid JAAS config: unterminated quoted value");
        }

        private void skipSpaceAndComments() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (Character.isWhitespace(c)) {
                    pos++;
                } else if (text.startsWith("//", pos)) {
                    int end = text.indexOf('\n', pos);
                    pos = end < 0 ? text.length() : end + 1;
                } else if (text.startsWith("/*", pos)) {
                    int end = text.indexOf("*/", pos + 2);
                    pos = end < 0 ? text.length() : end + 2;
                } else {
                    return;
                }
            }
        }

        private static boolean isWordChar(char c) {
            return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-' || c == '$';
        }
    }
}
