package io.samsa.metadata;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.quota.ClientQuotaEntity;

/**
 * The binary form of a {@link MetadataRecord}, big-endian: {@code type:int8 version:int8} then the fields in
 * declaration order. Strings are {@code length:int32} (-1 for null) and UTF-8 bytes; a Uuid is two int64; a
 * list is {@code count:int32} and its elements. A reader refuses a version it does not know rather than guess,
 * so a newer field is added as a new version with its own decoder, and the old versions stay readable (a
 * single-node log written before the cluster release replays unchanged).
 * Type tags (never reused): 1 topic, 2 partition, 3 config, 4 producer ids, 5 broker registration (v0: no
 * epoch, unfenced; v1 adds {@code brokerEpoch:int64 fenced:int8}), 6 remove topic, 9 fence broker, 10 unfence
 * broker ({@code brokerId:int32 brokerEpoch:int64}), 8 SCRAM credential ({@code user mechanism:int8 salt storedKey
 * serverKey iterations:int32}, byte arrays as {@code length:int32} and bytes), 11 remove SCRAM credential
 * ({@code user mechanism:int8}), 7 ACL binding ({@code id resourceType:int8 resourceName patternType:int8 principal
 * host operation:int8 permission:int8}, Kafka's wire codes), 12 remove ACL binding ({@code id}), 14 client quota
 * ({@code count:int32 (type name)* key value:float64 remove:int8}, the entity's (type, nullable name) pairs
 * sorted by type).
 */
public final class MetadataRecordCodec {
    private static final byte TOPIC = 1;
    private static final byte PARTITION = 2;
    private static final byte CONFIG = 3;
    private static final byte PRODUCER_IDS = 4;
    private static final byte BROKER_REGISTRATION = 5;
    private static final byte REMOVE_TOPIC = 6;
    private static final byte FENCE_BROKER = 9;
    private static final byte UNFENCE_BROKER = 10;
    private static final byte SCRAM_CREDENTIAL = 8;
    private static final byte REMOVE_SCRAM_CREDENTIAL = 11;
    private static final byte ACL = 7;
    private static final byte REMOVE_ACL = 12;
    private static final byte CLIENT_QUOTA = 14;
    private static final byte VERSION = 0;
    private static final byte REGISTRATION_WITH_EPOCH = 1;

    private MetadataRecordCodec() {
    }

    public static byte[] encode(List<MetadataRecord> records) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 * records.size());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(records.size());
            for (MetadataRecord r : records) {
                write(out, r);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: in memory
        }
        return bytes.toByteArray();
    }

    /** Decodes what {@link #encode} wrote; IOException on anything malformed or of an unknown type or version. */
    public static List<MetadataRecord> decode(ByteBuffer buffer) throws IOException {
        byte[] b = new byte[buffer.remaining()];
        buffer.get(b);
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(b))) {
            int count = in.readInt();
            if (count < 0) {
                throw new IOException("Negative record count " + count);
            }
            List<MetadataRecord> records = new ArrayList<>(Math.min(count, 1024));
            for (int i = 0; i < count; i++) {
                records.add(read(in));
            }
            if (in.available() > 0) {
                throw new IOException(in.available() + " bytes after the last record");
            }
            return records;
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("Invalid metadata record: " + e.getMessage(), e);
        }
    }

    private static void write(DataOutputStream out, MetadataRecord record) throws IOException {
        if (record instanceof TopicRecord r) {
            header(out, TOPIC);
            writeString(out, r.name());
            writeUuid(out, r.topicId());
        } else if (record instanceof PartitionRecord r) {
            header(out, PARTITION);
            writeUuid(out, r.topicId());
            out.writeInt(r.partition());
            writeInts(out, r.replicas());
            writeInts(out, r.isr());
            out.writeInt(r.leader());
            out.writeInt(r.leaderEpoch());
            out.writeInt(r.partitionEpoch());
        } else if (record instanceof ConfigRecord r) {
            header(out, CONFIG);
            out.writeByte(r.resourceType().id());
            writeString(out, r.resourceName());
            writeString(out, r.key());
            writeString(out, r.value());
        } else if (record instanceof ProducerIdsRecord r) {
            header(out, PRODUCER_IDS);
            out.writeInt(r.brokerId());
            out.writeLong(r.firstProducerId());
            out.writeInt(r.blockSize());
        } else if (record instanceof BrokerRegistrationRecord r) {
            header(out, BROKER_REGISTRATION, REGISTRATION_WITH_EPOCH);
            out.writeInt(r.brokerId());
            writeUuid(out, r.incarnationId());
            out.writeInt(r.endpoints().size());
            for (BrokerRegistrationRecord.Endpoint e : r.endpoints()) {
                writeString(out, e.listener());
                writeString(out, e.securityProtocol());
                writeString(out, e.host());
                out.writeInt(e.port());
            }
            writeString(out, r.rack());
            out.writeLong(r.brokerEpoch());
            out.writeBoolean(r.fenced());
        } else if (record instanceof RemoveTopicRecord r) {
            header(out, REMOVE_TOPIC);
            writeUuid(out, r.topicId());
        } else if (record instanceof FenceBrokerRecord r) {
            header(out, FENCE_BROKER);
            out.writeInt(r.brokerId());
            out.writeLong(r.brokerEpoch());
        } else if (record instanceof UnfenceBrokerRecord r) {
            header(out, UNFENCE_BROKER);
            out.writeInt(r.brokerId());
            out.writeLong(r.brokerEpoch());
        } else if (record instanceof ScramCredentialRecord r) {
            header(out, SCRAM_CREDENTIAL);
            writeString(out, r.user());
            out.writeByte(r.mechanism());
            writeBytes(out, r.salt());
            writeBytes(out, r.storedKey());
            writeBytes(out, r.serverKey());
            out.writeInt(r.iterations());
        } else if (record instanceof RemoveScramCredentialRecord r) {
            header(out, REMOVE_SCRAM_CREDENTIAL);
            writeString(out, r.user());
            out.writeByte(r.mechanism());
        } else if (record instanceof AclRecord r) {
            header(out, ACL);
            writeUuid(out, r.id());
            out.writeByte(r.resourceType());
            writeString(out, r.resourceName());
            out.writeByte(r.patternType());
            writeString(out, r.principal());
            writeString(out, r.host());
            out.writeByte(r.operation());
            out.writeByte(r.permission());
        } else if (record instanceof RemoveAclRecord r) {
            header(out, REMOVE_ACL);
            writeUuid(out, r.id());
        } else if (record instanceof ClientQuotaRecord r) {
            header(out, CLIENT_QUOTA);
            Map<String, String> entity = new TreeMap<>(r.entity().entries()); // one encoding per entity
            out.writeInt(entity.size());
            for (Map.Entry<String, String> e : entity.entrySet()) {
                writeString(out, e.getKey());
                writeString(out, e.getValue());
            }
            writeString(out, r.key());
            out.writeDouble(r.value());
            out.writeBoolean(r.remove());
        } else {
            throw new IllegalArgumentException("No encoding for " + record);
        }
    }

    private static MetadataRecord read(DataInputStream in) throws IOException {
        byte type = in.readByte();
        byte version = in.readByte();
        byte highest = type == BROKER_REGISTRATION ? REGISTRATION_WITH_EPOCH : VERSION;
        if (version < VERSION || version > highest) {
            throw new IOException("Unknown version " + version + " of metadata record type " + type);
        }
        return switch (type) {
            case TOPIC -> new TopicRecord(readString(in), readUuid(in));
            case PARTITION -> new PartitionRecord(readUuid(in), in.readInt(), readInts(in), readInts(in),
                    in.readInt(), in.readInt(), in.readInt());
            case CONFIG -> new ConfigRecord(ConfigResource.Type.forId(in.readByte()), readString(in),
                    readString(in), readString(in));
            case PRODUCER_IDS -> new ProducerIdsRecord(in.readInt(), in.readLong(), in.readInt());
            case BROKER_REGISTRATION -> {
                int brokerId = in.readInt();
                Uuid incarnation = readUuid(in);
                int n = in.readInt();
                List<BrokerRegistrationRecord.Endpoint> endpoints = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    endpoints.add(new BrokerRegistrationRecord.Endpoint(readString(in), readString(in),
                            readString(in), in.readInt()));
                }
                String rack = readString(in);
                yield version == VERSION
                        ? new BrokerRegistrationRecord(brokerId, incarnation, endpoints, rack)
                        : new BrokerRegistrationRecord(brokerId, incarnation, endpoints, rack, in.readLong(),
                                in.readBoolean());
            }
            case REMOVE_TOPIC -> new RemoveTopicRecord(readUuid(in));
            case FENCE_BROKER -> new FenceBrokerRecord(in.readInt(), in.readLong());
            case UNFENCE_BROKER -> new UnfenceBrokerRecord(in.readInt(), in.readLong());
            case SCRAM_CREDENTIAL -> new ScramCredentialRecord(readString(in), in.readByte(), readBytes(in),
                    readBytes(in), readBytes(in), in.readInt());
            case REMOVE_SCRAM_CREDENTIAL -> new RemoveScramCredentialRecord(readString(in), in.readByte());
            case ACL -> new AclRecord(readUuid(in), in.readByte(), readString(in), in.readByte(), readString(in),
                    readString(in), in.readByte(), in.readByte());
            case REMOVE_ACL -> new RemoveAclRecord(readUuid(in));
            case CLIENT_QUOTA -> readClientQuota(in);
            default -> throw new IOException("Unknown metadata record type " + type);
        };
    }

    private static ClientQuotaRecord readClientQuota(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available() / 8) {
            throw new IOException("Invalid entity length " + n);
        }
        Map<String, String> entity = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String type = readString(in);
            if (type == null || entity.containsKey(type)) {
                throw new IOException("Invalid client quota entity type " + type);
            }
            entity.put(type, readString(in));
        }
        return new ClientQuotaRecord(new ClientQuotaEntity(entity), readString(in), in.readDouble(), in.readBoolean());
    }

    private static void header(DataOutputStream out, byte type) throws IOException {
        header(out, type, VERSION);
    }

    private static void header(DataOutputStream out, byte type, byte version) throws IOException {
        out.writeByte(type);
        out.writeByte(version);
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        if (n > in.available()) {
            throw new IOException("String of " + n + " bytes runs past the record");
        }
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new IOException("Byte array of " + n + " bytes runs past the record");
        }
        return in.readNBytes(n);
    }

    private static void writeUuid(DataOutputStream out, Uuid id) throws IOException {
        out.writeLong(id.getMostSignificantBits());
        out.writeLong(id.getLeastSignificantBits());
    }

    private static Uuid readUuid(DataInputStream in) throws IOException {
        return new Uuid(in.readLong(), in.readLong());
    }

    private static void writeInts(DataOutputStream out, List<Integer> ints) throws IOException {
        out.writeInt(ints.size());
        for (int i : ints) {
            out.writeInt(i);
        }
    }

    private static List<Integer> readInts(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available() / 4) {
            throw new IOException("Invalid list length " + n);
        }
        List<Integer> ints = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ints.add(in.readInt());
        }
        return ints;
    }
}
