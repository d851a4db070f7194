package io.samsa.network.tls;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Kafka's {@code ssl.principal.mapping.rules}: a client certificate's distinguished name (RFC 2253, as
 * {@code X500Principal.getName()} gives it: {@code CN=alice,OU=test}) to a user name. Comma-separated rules, the
 * first that matches wins: {@code DEFAULT} keeps the whole DN; {@code RULE:pattern/replacement/} applies to a DN
 * that {@code pattern} matches entirely and replaces it, with an optional {@code L} or {@code U} after the last
 * slash to lower- or upper-case the result. Slashes and commas inside a rule are escaped with a backslash. A DN
 * that no rule matches fails the connection, as in Kafka. Immutable, thread-safe.
 */
public final class SslPrincipalMapper {
    private static final String RULE = "(DEFAULT)|RULE:((\\\\.|[^\\\\/])*)/((\\\\.|[^\\\\/])*)/([LU]?).*?|(.*?)";
    private static final Pattern SPLITTER = Pattern.compile("\\s*(" + RULE + ")\\s*(,\\s*|$)");
    private static final Pattern PARSER = Pattern.compile(RULE);

    private record Rule(Pattern pattern, String replacement, boolean lower, boolean upper) {
        Optional<String> apply(String dn) {
            if (pattern == null) {
                return Optional.of(dn);
            }
            Matcher m = pattern.matcher(dn);
            if (!m.matches()) {
                return Optional.empty();
            }
            String result = m.replaceAll(escapeMissingGroups(replacement, m.groupCount()));
            return Optional.of(lower ? result.toLowerCase(Locale.ENGLISH)
                    : upper ? result.toUpperCase(Locale.ENGLISH) : result);
        }
    }

    private final List<Rule> rules;
    private final String text;

    private SslPrincipalMapper(List<Rule> rules, String text) {
        this.rules = rules;
        this.text = text;
    }

    /** The mapper of {@code rules} (null or blank: {@code DEFAULT}); an {@link IllegalArgumentException} on bad syntax. */
    public static SslPrincipalMapper fromRules(String rules) {
        String text = rules == null || rules.isBlank() ? "DEFAULT" : rules.trim();
        List<Rule> parsed = new ArrayList<>();
        Matcher split = SPLITTER.matcher(text);
        while (split.find()) {
            if (!split.group(1).isEmpty()) { // empty rules are ignored, as in Kafka
                parsed.add(parse(split.group(1)));
            }
        }
        if (parsed.isEmpty()) {
            parsed.add(new Rule(null, null, false, false));
        }
        return new SslPrincipalMapper(List.copyOf(parsed), text);
    }

    private static Rule parse(String rule) {
        Matcher m = PARSER.matcher(rule);
        if (!m.lookingAt() || m.end() != rule.length()) {
            throw new IllegalArgumentException("ssl.principal.mapping.rules: invalid rule `" + rule + "`");
        }
        if (m.group(1) != null) {
            return new Rule(null, null, false, false);
        }
        try {
            return new Rule(Pattern.compile(m.group(2)), m.group(4), "L".equals(m.group(6)), "U".equals(m.group(6)));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("ssl.principal.mapping.rules: invalid pattern in `" + rule + "`: "
                    + e.getDescription(), e);
        }
    }

    /** The user name for {@code distinguishedName}; empty when no rule matches. */
    public Optional<String> map(String distinguishedName) {
        for (Rule r : rules) {
            Optional<String> name = r.apply(distinguishedName);
            if (name.isPresent()) {
                return name;
            }
        }
        return Optional.empty();
    }

    /** {@code $n} for a group the pattern does not have stays literal text, as in Kafka. */
    private static String escapeMissingGroups(String replacement, int groups) {
        Matcher m = Pattern.compile("\\$(\\d+)").matcher(replacement);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String ref = Integer.parseInt(m.group(1)) > groups ? "\\\\\\$" + m.group(1) : "\\$" + m.group(1);
            m.appendReplacement(out, ref);
        }
        m.appendTail(out);
        return out.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
