package io.samsa.broker.security;

import java.util.function.Supplier;

import io.samsa.metadata.MetadataImage;
import io.samsa.metadata.ScramCredentialRecord;
import io.samsa.network.auth.scram.ScramCredential;
import io.samsa.network.auth.scram.ScramCredentialStore;
import io.samsa.protocol.ScramMechanism;

/**
 * The SCRAM credentials a SASL server checks proofs against: the current metadata image's, so a credential added or
 * deleted through AlterUserScramCredentials counts from the next authentication on, on every broker that has applied
 * it. Reads an immutable image; any thread.
 */
public final class MetadataScramCredentials implements ScramCredentialStore {
    private final Supplier<MetadataImage> image;

    public MetadataScramCredentials(Supplier<MetadataImage> image) {
        this.image = image;
    }

    @Override
    public ScramCredential credential(String user, ScramMechanism mechanism) {
        ScramCredentialRecord r = image.get().scram().credential(user, mechanism.type());
        return r == null ? null : new ScramCredential(r.salt(), r.storedKey(), r.serverKey(), r.iterations());
    }
}
