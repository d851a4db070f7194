package io.samsa.bench;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.Map;

import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

import io.samsa.broker.SamsaBroker;
import io.samsa.protocol.WireCodec;
import io.samsa.protocol.records.ProduceRecords;
import io.samsa.protocol.records.RecordBatchWriter;

/**
 * Embedded broker start to first acknowledged produce, in milliseconds: the first run in a fresh JVM
 * (class loading included) and then warm runs. The produce is one raw Produce v9 request (auto-creating
 * the topic through the Produce path is not Kafka's behaviour, so the topic is created first, inside the
 * timed span). Run: {@code java -cp samsa-bench/target/benchmarks.jar io.samsa.bench.EmbeddedStartup}.
 */
public final class EmbeddedStartup {

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            try (SamsaBroker broker = SamsaBroker.startEmbedded(Map.of("num.network.threads", "1"))) {
                broker.topics().create("t", 1, Map.of());
                long offset = produceOne(broker.port());
                double ms = (System.nanoTime() - start) / 1e6;
                System.out.printf("%s start to first produce: %.1f ms (offset %d)%n", i == 0 ? "cold" : "warm", ms, offset);
            }
        }
    }

    private static long produceOne(int port) throws Exception {
        ProduceRequestData request = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(5000);
        ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData().setName("t");
        RecordBatchWriter batch = new RecordBatchWriter(ByteBuffer.allocate(128));
        batch.tryAppend(System.currentTimeMillis(), "k".getBytes(), "v".getBytes(), null);
        topic.partitionData().add(ProduceRecords.set(new ProduceRequestData.PartitionProduceData().setIndex(0),
                batch.finish(null)));
        request.topicData().add(topic);
        short version = 9;
        try (Socket socket = new Socket("127.0.0.1", port)) {
            ByteBuffer frame = WireCodec.encodeRequest(ApiKeys.PRODUCE, version, "startup", 1, request);
            OutputStream out = socket.getOutputStream();
            out.write(frame.array(), frame.position(), frame.remaining());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] response = new byte[in.readInt()];
            in.readFully(response);
            ProduceResponseData r = (ProduceResponseData) WireCodec.decodeResponse(ByteBuffer.wrap(response),
                    ApiKeys.PRODUCE, version, 1);
            return r.responses().iterator().next().partitionResponses().get(0).baseOffset();
        }
    }
}
