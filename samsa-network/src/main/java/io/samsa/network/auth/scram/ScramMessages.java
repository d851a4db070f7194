package io.samsa.network.auth.scram;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import io.samsa.network.auth.SaslFailure;

/**
 * The three SCRAM messages a server reads or writes (RFC 5802 section 7), with Kafka's restrictions (KIP-84):
 * no channel binding (the GS2 header must start {@code n,}), an optional authzid, the user name escaped with
 * {@code =2C} and {@code =3D}. Pure functions.
 */
final class ScramMessages {

    private ScramMessages() {
    }

    /** client-first-message: the user, the authzid ("" when absent), the client nonce, and the bare part. */
    record ClientFirst(String username, String authzid, String nonce, String bare) {
        /** {@code n,[a=<authzid>],n=<saslname>,r=<nonce>[,<extensions>]} (parsed by hand: no regex recursion). */
        static ClientFirst parse(byte[] message) throws SaslFailure {
            String s = new String(message, StandardCharsets.UTF_8);
            if (!s.startsWith("n,")) {
                throw SaslFailure.internal("Invalid SCRAM client first message: channel binding is not supported");
            }
            int authzidEnd = s.indexOf(',', 2);
            String authzid = s.substring(2, Math.max(2, authzidEnd));
            if (authzidEnd < 0 || !(authzid.isEmpty() || authzid.startsWith("a="))) {
                throw invalid("first");
            }
            String bare = s.substring(authzidEnd + 1);
            if (!bare.startsWith("n=")) {
                throw invalid("first");
            }
            int nameEnd = bare.indexOf(',');
            if (nameEnd < 0 || !bare.startsWith("r=", nameEnd + 1)) {
                throw invalid("first");
            }
            String saslName = bare.substring(2, nameEnd);
            String nonce = field(bare, nameEnd + 3);
            if (!validSaslName(saslName) || nonce.isEmpty() || !printable(nonce)
                    || (!authzid.isEmpty() && !validSaslName(authzid.substring(2)))) {
                throw invalid("first");
            }
            return new ClientFirst(unescape(saslName), authzid.isEmpty() ? "" : unescape(authzid.substring(2)),
                    nonce, bare);
        }
    }

    /** client-final-message: the nonce as sent, the proof, and the message without its proof, as sent. */
    record ClientFinal(String nonce, byte[] proof, String withoutProof) {
        /**
         * {@code c=<binding>,r=<nonce>[,<extensions>],p=<proof>}; extensions are allowed and ignored, as in Kafka,
         * and the channel binding is not checked (Kafka does not either; only "n" was accepted in the first message).
         */
        static ClientFinal parse(byte[] message) throws SaslFailure {
            String s = new String(message, StandardCharsets.UTF_8);
            int proofStart = s.lastIndexOf(",p=");
            if (!s.startsWith("c=") || proofStart < 0) {
                throw invalid("final");
            }
            String withoutProof = s.substring(0, proofStart);
            int bindingEnd = withoutProof.indexOf(',');
            if (bindingEnd < 0 || !withoutProof.startsWith("r=", bindingEnd + 1)) {
                throw invalid("final");
            }
            byte[] proof;
            try {
                proof = Base64.getDecoder().decode(s.substring(proofStart + 3));
            } catch (IllegalArgumentException e) {
                throw SaslFailure.internal("Invalid SCRAM client proof encoding");
            }
            return new ClientFinal(field(withoutProof, bindingEnd + 3), proof, withoutProof);
        }
    }

    /** The attribute value starting at {@code from}, up to the next ',' or the end. */
    private static String field(String s, int from) {
        int end = s.indexOf(',', from);
        return s.substring(from, end < 0 ? s.length() : end);
    }

    /** Not empty, and every '=' starts one of the two escapes. */
    private static boolean validSaslName(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = name.indexOf('='); i >= 0; i = name.indexOf('=', i + 1)) {
            if (!name.startsWith("=2C", i) && !name.startsWith("=3D", i)) {
                return false;
            }
        }
        return true;
    }

    /** RFC 5802 printable: 0x21-0x7E except ','. */
    private static boolean printable(String nonce) {
        return nonce.chars().allMatch(c -> c >= 0x21 && c <= 0x7E && c != ',');
    }

    private static SaslFailure invalid(String which) {
        return SaslFailure.internal("Invalid SCRAM client " + which + " message format");
    }

    /** server-first-message: {@code r=<client nonce><server nonce>,s=<salt>,i=<iterations>}. */
    static String serverFirst(String combinedNonce, byte[] salt, int iterations) {
        return "r=" + combinedNonce + ",s=" + Base64.getEncoder().encodeToString(salt) + ",i=" + iterations;
    }

    /** server-final-message of a successful exchange: {@code v=<server signature>}. */
    static String serverFinal(byte[] serverSignature) {
        return "v=" + Base64.getEncoder().encodeToString(serverSignature);
    }

    /** RFC 5802 saslname → user name: {@code =2C} is ',' and {@code =3D} is '='. */
    static String unescape(String saslName) {
        return saslName.replace("=2C", ",").replace("=3D", "=");
    }

    /** User name → saslname, for clients. */
    static String escape(String username) {
        return username.replace("=", "=3D").replace(",", "=2C");
    }
}
