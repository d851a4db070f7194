package io.samsa.network.tls;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * PEM text as Kafka's {@code ssl.keystore.type=PEM} takes it: X.509 certificates, and a PKCS#8 private key,
 * unencrypted ({@code BEGIN PRIVATE KEY}) or encrypted with {@code ssl.key.password}
 * ({@code BEGIN ENCRYPTED PRIVATE KEY}). Like Kafka, no PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). Stateless.
 */
final class PemKeys {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([a-zA-Z0-9+/=\\s]*)-----END \\1-----");
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "DSA", "Ed25519", "Ed448"};

    private PemKeys() {
    }

    /** Every {@code CERTIFICATE} block of {@code pem}, in order; at least one. */
    static List<Certificate> certificates(String pem, String key) {
        List<Certificate> certs = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            for (byte[] der : blocks(pem, "CERTIFICATE")) {
                certs.add(factory.generateCertificate(new ByteArrayInputStream(der)));
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(key + ": invalid PEM certificate: " + e.getMessage(), e);
        }
        if (certs.isEmpty()) {
            throw new IllegalArgumentException(key + ": no -----BEGIN CERTIFICATE----- block found");
        }
        return certs;
    }

    /** The one private key of {@code pem}; {@code password} for an encrypted key, else null. */
    static PrivateKey privateKey(String pem, String password, String key) {
        List<byte[]> plain = blocks(pem, "PRIVATE KEY");
        List<byte[]> encrypted = blocks(pem, "ENCRYPTED PRIVATE KEY");
        if (plain.size() + encrypted.size() != 1) {
            String hint = pem.contains("-----BEGIN RSA PRIVATE KEY-----") || pem.contains("-----BEGIN EC PRIVATE KEY")
                    ? " (PKCS#1/SEC1 keys are not supported: convert with openssl pkcs8 -topk8)" : "";
            throw new IllegalArgumentException(key + ": expected exactly one PKCS#8 private key, found "
                    + (plain.size() + encrypted.size()) + hint);
        }
        PKCS8EncodedKeySpec spec;
        if (plain.isEmpty()) {
            if (password == null) {
                throw new IllegalArgumentException(key + ": the private key is encrypted and ssl.key.password is not set");
            }
            spec = decrypt(encrypted.get(0), password, key);
        } else {
            spec = new PKCS8EncodedKeySpec(plain.get(0));
        }
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException(key + ": unsupported private key (not RSA, EC, DSA or EdDSA)");
    }

    private static PKCS8EncodedKeySpec decrypt(byte[] der, String password, String key) {
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            // PBES2 (what openssl writes) names its real scheme in its parameters: PBEWithHmacSHA256AndAES_256
            String algorithm = info.getAlgName().equals("PBES2") || info.getAlgName().equals("1.2.840.113549.1.5.13")
                    ? info.getAlgParameters().toString() : info.getAlgName();
            SecretKeyFactory factory = SecretKeyFactory.getInstance(algorithm);
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password.toCharArray())),
                    info.getAlgParameters());
            return info.getKeySpec(cipher);
        } catch (Exception e) {
            throw new IllegalArgumentException(key + ": cannot decrypt the private key with ssl.key.password: "
                    + e.getMessage(), e);
        }
    }

    private static List<byte[]> blocks(String pem, String type) {
        List<byte[]> out = new ArrayList<>();
        Matcher m = BLOCK.matcher(pem);
        while (m.find()) {
            if (m.group(1).equals(type)) {
                out.add(Base64.getMimeDecoder().decode(m.group(2).getBytes(StandardCharsets.US_ASCII)));
            }
        }
        return out;
    }
}
