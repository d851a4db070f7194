package io.samsa.broker.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.message.AlterClientQuotasResponseData;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.DeleteAclsRequestData;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.message.DescribeAclsRequestData;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsRequestData;
import org.apache.kafka.common.message.DescribeUserScramCredentialsResponseData;
import org.apache.kafka.common.message.SaslAuthenticateRequestData;
import org.apache.kafka.common.message.SaslAuthenticateResponseData;
import org.apache.kafka.common.message.SaslHandshakeRequestData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.message.AddOffsetsToTxnRequestData;
import org.apache.kafka.common.message.AddOffsetsToTxnResponseData;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData;
import org.apache.kafka.common.message.AddPartitionsToTxnResponseData;
import org.apache.kafka.common.message.EndTxnRequestData;
import org.apache.kafka.common.message.EndTxnResponseData;
import org.apache.kafka.common.message.DescribeTransactionsRequestData;
import org.apache.kafka.common.message.DescribeTransactionsResponseData;
import org.apache.kafka.common.message.ListTransactionsRequestData;
import org.apache.kafka.common.message.ListTransactionsResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersResponseData;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DescribeClusterRequestData;
import org.apache.kafka.common.message.DescribeClusterResponseData;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeLogDirsRequestData;
import org.apache.kafka.common.message.DescribeLogDirsResponseData;
import org.apache.kafka.common.message.DescribeProducersRequestData;
import org.apache.kafka.common.message.DescribeProducersResponseData;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.samsa.broker.SamsaBroker;
import io.samsa.broker.testing.Clients;
import io.samsa.broker.topic.TopicInfo;

/**
 * Every advertised API at every advertised (parseable) version, over a raw connection, on both its
 * success and its error paths: each response must encode at that version (a field that does not exist at
 * an old version must not be set) and carry the expected error codes.
 */
class ApiVersionMatrixTest {
    static SamsaBroker broker;
    static TopicInfo topic;

    @BeforeAll
    static void start() throws Exception {
        // The authorizer on, with this test's plaintext principal a super user: every API runs its checks and the
        // ACL APIs are served.
        broker = SamsaBroker.startEmbedded(Map.of("auto.create.topics.enable", "false",
                "group.initial.rebalance.delay.ms", "0",
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users", "User:ANONYMOUS"));
        topic = broker.topics().create("matrix", 2, Map.of());
        // The group cases skip FindCoordinator: the groups' topic must exist and be loaded first.
        Clients.awaitGroupCoordinator(broker);
    }

    @AfterAll
    static void stop() throws Exception {
        broker.close();
    }

    static Stream<Arguments> versions() throws Exception {
        List<Arguments> out = new ArrayList<>();
        try (RawKafkaConnection c = connect()) {
            ApiVersionsResponseData r = (ApiVersionsResponseData) c.send(ApiKeys.API_VERSIONS, (short) 3,
                    new ApiVersionsRequestData().setClientSoftwareName("matrix").setClientSoftwareVersion("1"));
            for (ApiVersionsResponseData.ApiVersion v : r.apiKeys()) {
                ApiKeys key = ApiKeys.forId(v.apiKey());
                for (short version = (short) Math.max(v.minVersion(), key.oldestVersion()); version <= v.maxVersion(); version++) {
                    out.add(Arguments.of(key, version));
                }
            }
        }
        return out.stream();
    }

    static RawKafkaConnection connect() throws Exception {
        return new RawKafkaConnection("127.0.0.1", broker.port());
    }

    @ParameterizedTest(name = "{0} v{1}")
    @MethodSource("versions")
    void encodesAtEveryVersion(ApiKeys key, short version) throws Exception {
        try (RawKafkaConnection c = connect()) {
            switch (key) {
                case API_VERSIONS -> apiVersions(c, version);
                case METADATA -> metadata(c, version);
                case PRODUCE -> produce(c, version);
                case FETCH -> fetch(c, version);
                case LIST_OFFSETS -> listOffsets(c, version);
                case OFFSET_FOR_LEADER_EPOCH -> offsetForLeaderEpoch(c, version);
                case DESCRIBE_QUORUM -> describeQuorum(c, version);
                case CREATE_TOPICS -> createTopics(c, version);
                case DELETE_TOPICS -> deleteTopics(c, version);
                case DELETE_RECORDS -> deleteRecords(c, version);
                case DESCRIBE_LOG_DIRS -> describeLogDirs(c, version);
                case DESCRIBE_PRODUCERS -> describeProducers(c, version);
                case INIT_PRODUCER_ID -> initProducerId(c, version);
                case DESCRIBE_CONFIGS -> describeConfigs(c, version);
                case INCREMENTAL_ALTER_CONFIGS -> incrementalAlterConfigs(c, version);
                case ALTER_CONFIGS -> alterConfigs(c, version);
                case CREATE_PARTITIONS -> createPartitions(c, version);
                case DESCRIBE_CLUSTER -> describeCluster(c, version);
                case FIND_COORDINATOR -> groupCases(c).findCoordinator(version);
                case JOIN_GROUP -> groupCases(c).joinGroup(version);
                case SYNC_GROUP -> groupCases(c).syncGroup(version);
                case HEARTBEAT -> groupCases(c).heartbeat(version);
                case LEAVE_GROUP -> groupCases(c).leaveGroup(version);
                case OFFSET_COMMIT -> groupCases(c).offsetCommit(version);
                case OFFSET_FETCH -> groupCases(c).offsetFetch(version);
                case LIST_GROUPS -> groupCases(c).listGroups(version);
                case DESCRIBE_GROUPS -> groupCases(c).describeGroups(version);
                case DELETE_GROUPS -> groupCases(c).deleteGroups(version);
                case OFFSET_DELETE -> groupCases(c).offsetDelete(version);
                case ADD_PARTITIONS_TO_TXN -> addPartitionsToTxn(c, version);
                case END_TXN -> endTxn(c, version);
                case ADD_OFFSETS_TO_TXN -> addOffsetsToTxn(c, version);
                case TXN_OFFSET_COMMIT -> txnOffsetCommit(c, version);
                case WRITE_TXN_MARKERS -> writeTxnMarkers(c, version);
                case DESCRIBE_TRANSACTIONS -> describeTransactions(c, version);
                case LIST_TRANSACTIONS -> listTransactions(c, version);
                case SASL_HANDSHAKE -> saslHandshake(c, version);
                case SASL_AUTHENTICATE -> saslAuthenticate(c, version);
                case DESCRIBE_USER_SCRAM_CREDENTIALS -> describeUserScramCredentials(c, version);
                case ALTER_USER_SCRAM_CREDENTIALS -> alterUserScramCredentials(c, version);
                case CREATE_ACLS -> createAcls(c, version);
                case DESCRIBE_ACLS -> describeAcls(c, version);
                case DELETE_ACLS -> deleteAcls(c, version);
                case ALTER_CLIENT_QUOTAS -> alterClientQuotas(c, version);
                case DESCRIBE_CLIENT_QUOTAS -> describeClientQuotas(c, version);
                default -> throw new AssertionError("No matrix case for advertised API " + key);
            }
        }
    }

    private static GroupApiMatrixCases groupCases(RawKafkaConnection c) {
        return new GroupApiMatrixCases(c, topic, broker.port());
    }

    private void apiVersions(RawKafkaConnection c, short v) throws Exception {
        ApiVersionsRequestData req = new ApiVersionsRequestData();
        if (v >= 3) {
            req.setClientSoftwareName("matrix").setClientSoftwareVersion("1");
        }
        ApiVersionsResponseData r = (ApiVersionsResponseData) c.send(ApiKeys.API_VERSIONS, v, req);
        assertThat(r.errorCode()).isZero();
        assertThat(r.apiKeys().find(ApiKeys.PRODUCE.id)).isNotNull();
    }

    private void metadata(RawKafkaConnection c, short v) throws Exception {
        MetadataRequestData req = new MetadataRequestData();
        req.topics().add(new MetadataRequestData.MetadataRequestTopic().setName("matrix"));
        req.topics().add(new MetadataRequestData.MetadataRequestTopic().setName("no-such-topic"));
        if (v >= 4) {
            req.setAllowAutoTopicCreation(false);
        }
        MetadataResponseData r = (MetadataResponseData) c.send(ApiKeys.METADATA, v, req);
        assertThat(r.brokers()).hasSize(1);
        assertThat(r.topics().find("matrix").partitions()).hasSize(2);
        assertThat(r.topics().find("no-such-topic").errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        if (v >= 10) {
            assertThat(r.topics().find("matrix").topicId()).isEqualTo(topic.id());
        }
    }

    private void produce(RawKafkaConnection c, short v) throws Exception {
        ProduceRequestData req = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(5000);
        req.topicData().add(produceTopic(v, topic.name(), topic.id(), 0));
        req.topicData().add(produceTopic(v, "no-such-topic", Uuid.randomUuid(), 0));
        ProduceResponseData r = (ProduceResponseData) c.send(ApiKeys.PRODUCE, v, req);
        assertThat(r.responses()).hasSize(2);
        for (ProduceResponseData.TopicProduceResponse t : r.responses()) {
            boolean known = v >= 13 ? t.topicId().equals(topic.id()) : t.name().equals("matrix");
            short error = t.partitionResponses().get(0).errorCode();
            if (known) {
                assertThat(error).isZero();
                assertThat(t.partitionResponses().get(0).baseOffset()).isGreaterThanOrEqualTo(0);
            } else {
                assertThat(error).isIn(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), Errors.UNKNOWN_TOPIC_ID.code());
            }
        }
    }

    private static ProduceRequestData.TopicProduceData produceTopic(short v, String name, Uuid id, int partition) {
        MemoryRecords records = MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(System.currentTimeMillis(), "k".getBytes(), ("v" + v).getBytes()));
        ProduceRequestData.TopicProduceData t = new ProduceRequestData.TopicProduceData();
        if (v >= 13) {
            t.setTopicId(id);
        } else {
            t.setName(name);
        }
        t.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(records));
        return t;
    }

    private void fetch(RawKafkaConnection c, short v) throws Exception {
        FetchRequestData req = new FetchRequestData().setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20)
                .setReplicaId(-1);
        FetchRequestData.FetchTopic t = new FetchRequestData.FetchTopic();
        if (v >= 13) {
            t.setTopicId(topic.id());
        } else {
            t.setTopic(topic.name());
        }
        t.partitions().add(new FetchRequestData.FetchPartition().setPartition(1).setFetchOffset(0)
                .setPartitionMaxBytes(1 << 20));
        t.partitions().add(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(1_000_000)
                .setPartitionMaxBytes(1 << 20));
        req.topics().add(t);
        FetchResponseData r = (FetchResponseData) c.send(ApiKeys.FETCH, v, req);
        assertThat(r.errorCode()).isZero();
        List<FetchResponseData.PartitionData> parts = r.responses().get(0).partitions();
        assertThat(parts.get(0).errorCode()).isZero();
        assertThat(parts.get(1).errorCode()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
    }

    private void listOffsets(RawKafkaConnection c, short v) throws Exception {
        ListOffsetsRequestData req = new ListOffsetsRequestData().setReplicaId(-1);
        ListOffsetsRequestData.ListOffsetsTopic t = new ListOffsetsRequestData.ListOffsetsTopic().setName("matrix");
        long[] specs = v >= 7 ? new long[] {-1, -2, -3, 0} : new long[] {-1, -2, 0};
        for (long ts : specs) {
            t.partitions().add(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(ts));
        }
        t.partitions().add(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(9).setTimestamp(-1));
        req.topics().add(t);
        ListOffsetsResponseData r = (ListOffsetsResponseData) c.send(ApiKeys.LIST_OFFSETS, v, req);
        List<ListOffsetsResponseData.ListOffsetsPartitionResponse> parts = r.topics().get(0).partitions();
        assertThat(parts.get(0).errorCode()).isZero();
        assertThat(parts.get(parts.size() - 1).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    private void offsetForLeaderEpoch(RawKafkaConnection c, short v) throws Exception {
        OffsetForLeaderEpochRequestData req = new OffsetForLeaderEpochRequestData();
        if (v >= 3) {
            req.setReplicaId(-1);
        }
        OffsetForLeaderEpochRequestData.OffsetForLeaderTopic t =
                new OffsetForLeaderEpochRequestData.OffsetForLeaderTopic().setTopic("matrix");
        t.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(0)
                .setCurrentLeaderEpoch(0).setLeaderEpoch(0));
        t.partitions().add(new OffsetForLeaderEpochRequestData.OffsetForLeaderPartition().setPartition(9)
                .setLeaderEpoch(0));
        req.topics().add(t);
        OffsetForLeaderEpochResponseData r = (OffsetForLeaderEpochResponseData) c.send(
                ApiKeys.OFFSET_FOR_LEADER_EPOCH, v, req);
        List<OffsetForLeaderEpochResponseData.EpochEndOffset> parts = r.topics().iterator().next().partitions();
        assertThat(parts.get(0).errorCode()).isZero();
        assertThat(parts.get(0).leaderEpoch()).isZero();
        assertThat(parts.get(1).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    /** A single node is the only voter and the leader of {@code __cluster_metadata-0}; other partitions are unknown. */
    private void describeQuorum(RawKafkaConnection c, short v) throws Exception {
        DescribeQuorumRequestData req = new DescribeQuorumRequestData();
        req.topics().add(new DescribeQuorumRequestData.TopicData().setTopicName("__cluster_metadata")
                .setPartitions(List.of(new DescribeQuorumRequestData.PartitionData().setPartitionIndex(0),
                        new DescribeQuorumRequestData.PartitionData().setPartitionIndex(1))));
        DescribeQuorumResponseData r = (DescribeQuorumResponseData) c.send(ApiKeys.DESCRIBE_QUORUM, v, req);
        List<DescribeQuorumResponseData.PartitionData> parts = r.topics().get(0).partitions();
        assertThat(parts.get(0).errorCode()).isZero();
        assertThat(parts.get(0).leaderId()).isEqualTo(broker.config().nodeId());
        assertThat(parts.get(0).currentVoters()).hasSize(1);
        assertThat(parts.get(1).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    private void createTopics(RawKafkaConnection c, short v) throws Exception {
        CreateTopicsRequestData req = new CreateTopicsRequestData().setTimeoutMs(5000);
        req.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("created-v" + v)
                .setNumPartitions(1).setReplicationFactor((short) 1));
        req.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("matrix")
                .setNumPartitions(1).setReplicationFactor((short) 1));
        req.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("bad/name")
                .setNumPartitions(1).setReplicationFactor((short) 1));
        req.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("rf3-v" + v)
                .setNumPartitions(1).setReplicationFactor((short) 3));
        req.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("__consumer_offsets")
                .setNumPartitions(1).setReplicationFactor((short) 1));
        CreateTopicsRequestData.CreatableTopicConfigCollection nullValued =
                new CreateTopicsRequestData.CreatableTopicConfigCollection();
        nullValued.add(new CreateTopicsRequestData.CreatableTopicConfig().setName("retention.ms").setValue(null));
        req.topics().add(new CreateTopicsRequestData.CreatableTopic().setName("null-config-v" + v)
                .setNumPartitions(1).setReplicationFactor((short) 1).setConfigs(nullValued));
        CreateTopicsResponseData r = (CreateTopicsResponseData) c.send(ApiKeys.CREATE_TOPICS, v, req);
        assertThat(r.topics().find("created-v" + v).errorCode()).isZero();
        assertThat(r.topics().find("matrix").errorCode()).isEqualTo(Errors.TOPIC_ALREADY_EXISTS.code());
        assertThat(r.topics().find("bad/name").errorCode()).isEqualTo(Errors.INVALID_TOPIC_EXCEPTION.code());
        assertThat(r.topics().find("rf3-v" + v).errorCode()).isEqualTo(Errors.INVALID_REPLICATION_FACTOR.code());
        assertThat(r.topics().find("__consumer_offsets").errorCode()).isEqualTo(Errors.INVALID_REQUEST.code());
        // A fuzzed frame found it: a config entry without a value was an UNKNOWN_SERVER_ERROR (an NPE).
        assertThat(r.topics().find("null-config-v" + v).errorCode()).isEqualTo(Errors.INVALID_CONFIG.code());
    }

    private void deleteTopics(RawKafkaConnection c, short v) throws Exception {
        broker.topics().create("doomed-v" + v, 1, Map.of());
        DeleteTopicsRequestData req = new DeleteTopicsRequestData().setTimeoutMs(5000);
        if (v >= 6) {
            req.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName("doomed-v" + v));
            req.topics().add(new DeleteTopicsRequestData.DeleteTopicState().setName("no-such-topic"));
        } else {
            req.setTopicNames(List.of("doomed-v" + v, "no-such-topic"));
        }
        DeleteTopicsResponseData r = (DeleteTopicsResponseData) c.send(ApiKeys.DELETE_TOPICS, v, req);
        assertThat(r.responses().find("doomed-v" + v).errorCode()).isZero();
        assertThat(r.responses().find("no-such-topic").errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(broker.topics().get("doomed-v" + v)).isEmpty();
    }

    private void deleteRecords(RawKafkaConnection c, short v) throws Exception {
        DeleteRecordsRequestData req = new DeleteRecordsRequestData().setTimeoutMs(5000);
        req.topics().add(new DeleteRecordsRequestData.DeleteRecordsTopic().setName("matrix").setPartitions(List.of(
                new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(1).setOffset(0),
                new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(9).setOffset(0))));
        req.topics().add(new DeleteRecordsRequestData.DeleteRecordsTopic().setName("no-such-topic").setPartitions(
                List.of(new DeleteRecordsRequestData.DeleteRecordsPartition().setPartitionIndex(0).setOffset(0))));
        DeleteRecordsResponseData r = (DeleteRecordsResponseData) c.send(ApiKeys.DELETE_RECORDS, v, req);
        DeleteRecordsResponseData.DeleteRecordsTopicResult matrix = r.topics().find("matrix");
        assertThat(matrix.partitions().find(1).errorCode()).isZero();
        assertThat(matrix.partitions().find(1).lowWatermark()).isGreaterThanOrEqualTo(0);
        assertThat(matrix.partitions().find(9).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(r.topics().find("no-such-topic").partitions().find(0).errorCode())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    private void describeLogDirs(RawKafkaConnection c, short v) throws Exception {
        DescribeLogDirsRequestData req = new DescribeLogDirsRequestData();
        req.topics().add(new DescribeLogDirsRequestData.DescribableLogDirTopic().setTopic("matrix")
                .setPartitions(List.of(0, 9)));
        DescribeLogDirsResponseData r = (DescribeLogDirsResponseData) c.send(ApiKeys.DESCRIBE_LOG_DIRS, v, req);
        assertThat(r.errorCode()).isZero();
        assertThat(r.results()).hasSize(1);
        DescribeLogDirsResponseData.DescribeLogDirsResult dir = r.results().get(0);
        assertThat(dir.errorCode()).isZero();
        assertThat(dir.logDir()).isEqualTo(broker.config().dataDir().toAbsolutePath().toString());
        assertThat(dir.topics()).hasSize(1);
        assertThat(dir.topics().get(0).partitions())
                .extracting(DescribeLogDirsResponseData.DescribeLogDirsPartition::partitionIndex).containsExactly(0);
        if (v >= 4) {
            assertThat(dir.totalBytes()).isPositive();
        }
        DescribeLogDirsResponseData all = (DescribeLogDirsResponseData) c.send(ApiKeys.DESCRIBE_LOG_DIRS, v,
                new DescribeLogDirsRequestData().setTopics(null));
        assertThat(all.results().get(0).topics()).anyMatch(t -> t.name().equals("matrix")
                && t.partitions().size() == 2);
    }

    private void describeProducers(RawKafkaConnection c, short v) throws Exception {
        DescribeProducersRequestData req = new DescribeProducersRequestData();
        req.topics().add(new DescribeProducersRequestData.TopicRequest().setName("matrix")
                .setPartitionIndexes(List.of(0, 9)));
        req.topics().add(new DescribeProducersRequestData.TopicRequest().setName("no-such-topic")
                .setPartitionIndexes(List.of(0)));
        DescribeProducersResponseData r = (DescribeProducersResponseData) c.send(ApiKeys.DESCRIBE_PRODUCERS, v, req);
        List<DescribeProducersResponseData.PartitionResponse> matrix = r.topics().get(0).partitions();
        assertThat(matrix.get(0).errorCode()).isZero();
        assertThat(matrix.get(1).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(r.topics().get(1).partitions().get(0).errorCode())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    /**
     * A transactional id the coordinator has never seen (and may not coordinate yet): a decodable refusal. v4+ (the
     * brokers' batched form) asks twice in one request: verify only, and add.
     */
    private void addPartitionsToTxn(RawKafkaConnection c, short v) throws Exception {
        AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection topics =
                new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection();
        topics.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic().setName("matrix")
                .setPartitions(List.of(0)));
        if (v >= 4) {
            AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection txns =
                    new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection();
            txns.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction()
                    .setTransactionalId("matrix-verify-" + v).setProducerId(4242).setProducerEpoch((short) 0)
                    .setVerifyOnly(true).setTopics(topics.duplicate()));
            txns.add(new AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction()
                    .setTransactionalId("matrix-add-" + v).setProducerId(4242).setProducerEpoch((short) 0)
                    .setVerifyOnly(false).setTopics(topics.duplicate()));
            AddPartitionsToTxnResponseData r = (AddPartitionsToTxnResponseData) c.send(
                    ApiKeys.ADD_PARTITIONS_TO_TXN, v, new AddPartitionsToTxnRequestData().setTransactions(txns));
            assertThat(r.errorCode()).isZero();
            for (String id : List.of("matrix-verify-" + v, "matrix-add-" + v)) {
                short error = r.resultsByTransaction().find(id).topicResults().find("matrix").resultsByPartition()
                        .find(0).partitionErrorCode();
                assertThat(error).as(id).isIn(Errors.NOT_COORDINATOR.code(), Errors.INVALID_PRODUCER_ID_MAPPING.code(),
                        Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
            }
            return;
        }
        AddPartitionsToTxnRequestData req = new AddPartitionsToTxnRequestData()
                .setV3AndBelowTransactionalId("matrix-txn-" + v).setV3AndBelowProducerId(4242)
                .setV3AndBelowProducerEpoch((short) 0).setV3AndBelowTopics(topics);
        AddPartitionsToTxnResponseData r = (AddPartitionsToTxnResponseData) c.send(ApiKeys.ADD_PARTITIONS_TO_TXN, v,
                req);
        short error = r.resultsByTopicV3AndBelow().find("matrix").resultsByPartition().find(0).partitionErrorCode();
        assertThat(error).isIn(Errors.NOT_COORDINATOR.code(), Errors.INVALID_PRODUCER_ID_MAPPING.code());
    }

    private void endTxn(RawKafkaConnection c, short v) throws Exception {
        EndTxnRequestData req = new EndTxnRequestData().setTransactionalId("matrix-txn-" + v).setProducerId(4242)
                .setProducerEpoch((short) 0).setCommitted(true);
        EndTxnResponseData r = (EndTxnResponseData) c.send(ApiKeys.END_TXN, v, req);
        assertThat(r.errorCode()).isIn(Errors.NOT_COORDINATOR.code(), Errors.INVALID_PRODUCER_ID_MAPPING.code());
    }

    private void addOffsetsToTxn(RawKafkaConnection c, short v) throws Exception {
        AddOffsetsToTxnRequestData req = new AddOffsetsToTxnRequestData().setTransactionalId("matrix-txn-" + v)
                .setProducerId(4242).setProducerEpoch((short) 0).setGroupId("matrix-group-" + v);
        AddOffsetsToTxnResponseData r = (AddOffsetsToTxnResponseData) c.send(ApiKeys.ADD_OFFSETS_TO_TXN, v, req);
        assertThat(r.errorCode()).isIn(Errors.NOT_COORDINATOR.code(), Errors.INVALID_PRODUCER_ID_MAPPING.code());
    }

    private void txnOffsetCommit(RawKafkaConnection c, short v) throws Exception {
        TxnOffsetCommitRequestData req = new TxnOffsetCommitRequestData().setTransactionalId("matrix-txn-" + v)
                .setGroupId("matrix-group-" + v).setProducerId(4242).setProducerEpoch((short) 0);
        req.topics().add(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic().setName("matrix")
                .setPartitions(List.of(new TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition()
                        .setPartitionIndex(0).setCommittedOffset(1))));
        TxnOffsetCommitResponseData r = (TxnOffsetCommitResponseData) c.send(ApiKeys.TXN_OFFSET_COMMIT, v, req);
        // No transaction holds the group's partition: the write is refused (or the group has no coordinator yet).
        assertThat(r.topics().get(0).partitions().get(0).errorCode()).isIn(Errors.NOT_COORDINATOR.code(),
                Errors.INVALID_TXN_STATE.code());
    }

    private void writeTxnMarkers(RawKafkaConnection c, short v) throws Exception {
        WriteTxnMarkersRequestData req = new WriteTxnMarkersRequestData().setMarkers(List.of(
                new WriteTxnMarkersRequestData.WritableTxnMarker().setProducerId(4242).setProducerEpoch((short) 0)
                        .setTransactionResult(false).setCoordinatorEpoch(0).setTopics(List.of(
                                new WriteTxnMarkersRequestData.WritableTxnMarkerTopic().setName("matrix-none")
                                        .setPartitionIndexes(List.of(0))))));
        WriteTxnMarkersResponseData r = (WriteTxnMarkersResponseData) c.send(ApiKeys.WRITE_TXN_MARKERS, v, req);
        assertThat(r.markers().get(0).topics().get(0).partitions().get(0).errorCode())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    private void describeTransactions(RawKafkaConnection c, short v) throws Exception {
        DescribeTransactionsRequestData req = new DescribeTransactionsRequestData()
                .setTransactionalIds(List.of("matrix-txn-" + v));
        DescribeTransactionsResponseData r = (DescribeTransactionsResponseData) c.send(
                ApiKeys.DESCRIBE_TRANSACTIONS, v, req);
        assertThat(r.transactionStates()).hasSize(1);
        assertThat(r.transactionStates().get(0).errorCode()).isIn(Errors.NOT_COORDINATOR.code(),
                Errors.TRANSACTIONAL_ID_NOT_FOUND.code());
    }

    private void listTransactions(RawKafkaConnection c, short v) throws Exception {
        ListTransactionsRequestData req = new ListTransactionsRequestData().setStateFilters(List.of("Ongoing", "Nope"));
        ListTransactionsResponseData r = (ListTransactionsResponseData) c.send(ApiKeys.LIST_TRANSACTIONS, v, req);
        assertThat(r.errorCode()).isZero();
        assertThat(r.unknownStateFilters()).containsExactly("Nope");
    }

    private void initProducerId(RawKafkaConnection c, short v) throws Exception {
        InitProducerIdRequestData req = new InitProducerIdRequestData().setTransactionalId(null)
                .setTransactionTimeoutMs(60000);
        InitProducerIdResponseData r = (InitProducerIdResponseData) c.send(ApiKeys.INIT_PRODUCER_ID, v, req);
        assertThat(r.errorCode()).isZero();
        assertThat(r.producerId()).isGreaterThanOrEqualTo(0);
        assertThat(r.producerEpoch()).isZero();
    }

    private void describeConfigs(RawKafkaConnection c, short v) throws Exception {
        DescribeConfigsRequestData req = new DescribeConfigsRequestData();
        req.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 2)
                .setResourceName("matrix"));
        req.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 4)
                .setResourceName("0"));
        req.resources().add(new DescribeConfigsRequestData.DescribeConfigsResource().setResourceType((byte) 2)
                .setResourceName("no-such-topic"));
        DescribeConfigsResponseData r = (DescribeConfigsResponseData) c.send(ApiKeys.DESCRIBE_CONFIGS, v, req);
        assertThat(r.results().get(0).errorCode()).isZero();
        assertThat(r.results().get(0).configs()).anyMatch(e -> e.name().equals("retention.ms"));
        assertThat(r.results().get(1).configs()).anyMatch(e -> e.name().equals("num.partitions"));
        assertThat(r.results().get(2).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    private void incrementalAlterConfigs(RawKafkaConnection c, short v) throws Exception {
        IncrementalAlterConfigsRequestData req = new IncrementalAlterConfigsRequestData();
        IncrementalAlterConfigsRequestData.AlterConfigsResource topicResource =
                new IncrementalAlterConfigsRequestData.AlterConfigsResource().setResourceType((byte) 2)
                        .setResourceName("matrix");
        topicResource.configs().add(new IncrementalAlterConfigsRequestData.AlterableConfig().setName("flush.ms")
                .setConfigOperation((byte) 0).setValue(Integer.toString(1000 + v)));
        req.resources().add(topicResource);
        req.resources().add(new IncrementalAlterConfigsRequestData.AlterConfigsResource().setResourceType((byte) 2)
                .setResourceName("no-such-topic"));
        IncrementalAlterConfigsResponseData r = (IncrementalAlterConfigsResponseData) c.send(
                ApiKeys.INCREMENTAL_ALTER_CONFIGS, v, req);
        assertThat(r.responses().get(0).errorCode()).isZero();
        assertThat(r.responses().get(1).errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(matrixTopic().configOverrides()).containsEntry("flush.ms", Integer.toString(1000 + v));
    }

    private void alterConfigs(RawKafkaConnection c, short v) throws Exception {
        String name = "alter-configs-v" + v;
        broker.topics().create(name, 1, Map.of("retention.ms", "5000"));
        AlterConfigsRequestData req = new AlterConfigsRequestData();
        AlterConfigsRequestData.AlterConfigsResource resource = new AlterConfigsRequestData.AlterConfigsResource()
                .setResourceType((byte) 2).setResourceName(name);
        resource.configs().add(new AlterConfigsRequestData.AlterableConfig().setName("flush.ms").setValue("7"));
        req.resources().add(resource);
        AlterConfigsResponseData r = (AlterConfigsResponseData) c.send(ApiKeys.ALTER_CONFIGS, v, req);
        assertThat(r.responses().get(0).errorCode()).isZero();
        assertThat(broker.topics().get(name).orElseThrow().configOverrides()).isEqualTo(Map.of("flush.ms", "7"));
    }

    private static TopicInfo matrixTopic() {
        return broker.topics().get("matrix").orElseThrow();
    }

    private void createPartitions(RawKafkaConnection c, short v) throws Exception {
        String name = "grow-v" + v;
        broker.topics().create(name, 1, Map.of());
        CreatePartitionsRequestData req = new CreatePartitionsRequestData().setTimeoutMs(5000);
        req.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName(name).setCount(3));
        req.topics().add(new CreatePartitionsRequestData.CreatePartitionsTopic().setName("matrix").setCount(1));
        CreatePartitionsResponseData r = (CreatePartitionsResponseData) c.send(ApiKeys.CREATE_PARTITIONS, v, req);
        assertThat(r.results().get(0).errorCode()).isZero();
        assertThat(r.results().get(1).errorCode()).isEqualTo(Errors.INVALID_PARTITIONS.code());
        assertThat(broker.topics().get(name).orElseThrow().partitions()).isEqualTo(3);
    }

    private void describeCluster(RawKafkaConnection c, short v) throws Exception {
        DescribeClusterResponseData r = (DescribeClusterResponseData) c.send(ApiKeys.DESCRIBE_CLUSTER, v,
                new DescribeClusterRequestData());
        assertThat(r.errorCode()).isZero();
        assertThat(r.brokers()).hasSize(1);
    }

    /** On a plaintext listener, as on an authenticated connection: ILLEGAL_SASL_STATE, as Kafka answers. */
    private void saslHandshake(RawKafkaConnection c, short v) throws Exception {
        SaslHandshakeResponseData r = (SaslHandshakeResponseData) c.send(ApiKeys.SASL_HANDSHAKE, v,
                new SaslHandshakeRequestData().setMechanism("PLAIN"));
        assertThat(r.errorCode()).isEqualTo(Errors.ILLEGAL_SASL_STATE.code());
    }

    private void saslAuthenticate(RawKafkaConnection c, short v) throws Exception {
        SaslAuthenticateResponseData r = (SaslAuthenticateResponseData) c.send(ApiKeys.SASL_AUTHENTICATE, v,
                new SaslAuthenticateRequestData().setAuthBytes(new byte[1]));
        assertThat(r.errorCode()).isEqualTo(Errors.ILLEGAL_SASL_STATE.code());
    }

    private void describeUserScramCredentials(RawKafkaConnection c, short v) throws Exception {
        DescribeUserScramCredentialsResponseData r = (DescribeUserScramCredentialsResponseData) c.send(
                ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS, v, new DescribeUserScramCredentialsRequestData()
                        .setUsers(List.of(new DescribeUserScramCredentialsRequestData.UserName().setName("nobody"))));
        assertThat(r.errorCode()).isZero();
        assertThat(r.results()).singleElement().satisfies(u ->
                assertThat(u.errorCode()).isEqualTo(Errors.RESOURCE_NOT_FOUND.code()));
    }

    private void alterUserScramCredentials(RawKafkaConnection c, short v) throws Exception {
        AlterUserScramCredentialsResponseData r = (AlterUserScramCredentialsResponseData) c.send(
                ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, v, new AlterUserScramCredentialsRequestData()
                        .setDeletions(List.of(new AlterUserScramCredentialsRequestData.ScramCredentialDeletion()
                                .setName("nobody").setMechanism((byte) 1))));
        assertThat(r.results()).singleElement().satisfies(u ->
                assertThat(u.errorCode()).isEqualTo(Errors.RESOURCE_NOT_FOUND.code()));
    }

    /** A client id per version, set here and found by the same version's describe. */
    private static String quotaClient(short v) {
        return "matrix-quota-" + v;
    }

    private void alterClientQuotas(RawKafkaConnection c, short v) throws Exception {
        AlterClientQuotasResponseData r = (AlterClientQuotasResponseData) c.send(ApiKeys.ALTER_CLIENT_QUOTAS, v,
                new AlterClientQuotasRequestData().setEntries(List.of(new AlterClientQuotasRequestData.EntryData()
                        .setEntity(List.of(new AlterClientQuotasRequestData.EntityData()
                                .setEntityType("client-id").setEntityName(quotaClient(v))))
                        .setOps(List.of(new AlterClientQuotasRequestData.OpData().setKey("producer_byte_rate")
                                .setValue(4096))))));
        assertThat(r.entries()).singleElement().satisfies(e -> {
            assertThat(e.errorCode()).isZero();
            assertThat(e.entity()).singleElement().satisfies(d -> assertThat(d.entityName())
                    .isEqualTo(quotaClient(v)));
        });
    }

    private void describeClientQuotas(RawKafkaConnection c, short v) throws Exception {
        c.send(ApiKeys.ALTER_CLIENT_QUOTAS, (short) 1, new AlterClientQuotasRequestData().setEntries(List.of(
                new AlterClientQuotasRequestData.EntryData().setEntity(List.of(
                        new AlterClientQuotasRequestData.EntityData().setEntityType("client-id")
                                .setEntityName(quotaClient(v))))
                        .setOps(List.of(new AlterClientQuotasRequestData.OpData().setKey("consumer_byte_rate")
                                .setValue(2048))))));
        DescribeClientQuotasResponseData r = (DescribeClientQuotasResponseData) c.send(
                ApiKeys.DESCRIBE_CLIENT_QUOTAS, v, new DescribeClientQuotasRequestData().setStrict(true)
                        .setComponents(List.of(new DescribeClientQuotasRequestData.ComponentData()
                                .setEntityType("client-id").setMatchType((byte) 0).setMatch(quotaClient(v)))));
        assertThat(r.errorCode()).isZero();
        assertThat(r.entries()).singleElement().satisfies(e -> assertThat(e.values())
                .anySatisfy(val -> {
                    assertThat(val.key()).isEqualTo("consumer_byte_rate");
                    assertThat(val.value()).isEqualTo(2048.0);
                }));
    }

    /** A binding per version, so that each version's describe and delete find their own. */
    private static String aclPrincipal(short v) {
        return "User:matrix-" + v;
    }

    private void createAcls(RawKafkaConnection c, short v) throws Exception {
        CreateAclsResponseData r = (CreateAclsResponseData) c.send(ApiKeys.CREATE_ACLS, v,
                new CreateAclsRequestData().setCreations(List.of(new CreateAclsRequestData.AclCreation()
                        .setResourceType(ResourceType.TOPIC.code()).setResourceName("matrix")
                        .setResourcePatternType(PatternType.LITERAL.code()).setPrincipal(aclPrincipal(v))
                        .setHost("*").setOperation(AclOperation.READ.code())
                        .setPermissionType(AclPermissionType.ALLOW.code()))));
        assertThat(r.results()).singleElement().satisfies(res -> assertThat(res.errorCode()).isZero());
    }

    private void describeAcls(RawKafkaConnection c, short v) throws Exception {
        createAcls(c, (short) 3);
        DescribeAclsResponseData r = (DescribeAclsResponseData) c.send(ApiKeys.DESCRIBE_ACLS, v,
                new DescribeAclsRequestData().setResourceTypeFilter(ResourceType.TOPIC.code())
                        .setResourceNameFilter("matrix").setPatternTypeFilter(PatternType.LITERAL.code())
                        .setPrincipalFilter(aclPrincipal((short) 3)).setHostFilter(null)
                        .setOperation(AclOperation.ANY.code())
                        .setPermissionType(AclPermissionType.ANY.code()));
        assertThat(r.errorCode()).isZero();
        assertThat(r.resources()).singleElement().satisfies(res -> {
            assertThat(res.resourceName()).isEqualTo("matrix");
            assertThat(res.acls()).singleElement().satisfies(a -> assertThat(a.principal())
                    .isEqualTo(aclPrincipal((short) 3)));
        });
    }

    private void deleteAcls(RawKafkaConnection c, short v) throws Exception {
        String principal = "User:matrix-delete-" + v;
        c.send(ApiKeys.CREATE_ACLS, (short) 3, new CreateAclsRequestData().setCreations(List.of(
                new CreateAclsRequestData.AclCreation().setResourceType(ResourceType.GROUP.code())
                        .setResourceName("g").setResourcePatternType(PatternType.PREFIXED.code())
                        .setPrincipal(principal).setHost("*").setOperation(AclOperation.READ.code())
                        .setPermissionType(AclPermissionType.ALLOW.code()))));
        DeleteAclsResponseData r = (DeleteAclsResponseData) c.send(ApiKeys.DELETE_ACLS, v,
                new DeleteAclsRequestData().setFilters(List.of(new DeleteAclsRequestData.DeleteAclsFilter()
                        .setResourceTypeFilter(ResourceType.ANY.code()).setPatternTypeFilter(PatternType.ANY.code())
                        .setResourceNameFilter(null).setPrincipalFilter(principal).setHostFilter(null)
                        .setOperation(AclOperation.ANY.code())
                        .setPermissionType(AclPermissionType.ANY.code()))));
        assertThat(r.filterResults()).singleElement().satisfies(f -> {
            assertThat(f.errorCode()).isZero();
            assertThat(f.matchingAcls()).singleElement().satisfies(m -> assertThat(m.resourceName()).isEqualTo("g"));
        });
    }
}
