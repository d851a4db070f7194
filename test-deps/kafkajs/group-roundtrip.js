// A kafkajs producer and consumer group against a broker: produces N keyed messages, consumes them in a
// group, commits, and prints one JSON line with what it saw. Usage: node group-roundtrip.js BROKER TOPIC GROUP N
const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const [broker, topic, groupId, countArg] = process.argv.slice(2);
  const count = parseInt(countArg, 10);
  const kafka = new Kafka({ clientId: 'kafkajs-peer', brokers: [broker], logLevel: logLevel.ERROR });

  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();

  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const messages = [];
  for (let i = 0; i < count; i++) {
    messages.push({ key: `key-${i % 17}`, value: `value-${i}` });
  }
  const sent = await producer.send({ topic, messages, acks: -1 });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId, sessionTimeout: 10000, rebalanceTimeout: 10000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = [];
  const done = new Promise((resolve) => {
    consumer.run({
      autoCommit: true,
      eachMessage: async ({ partition, message }) => {
        seen.push({ partition, offset: message.offset, key: message.key.toString(), value: message.value.toString() });
        if (seen.length === count) {
          resolve();
        }
      },
    });
  });
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out with ${seen.length}/${count}`)), 60000);
  });
  await Promise.race([done, timeout]).finally(() => clearTimeout(timer));
  await consumer.commitOffsets([]).catch(() => {});
  await consumer.disconnect();

  const committedAdmin = kafka.admin();
  await committedAdmin.connect();
  const committed = await committedAdmin.fetchOffsets({ groupId, topics: [topic] });
  await committedAdmin.disconnect();

  console.log(JSON.stringify({ produced: sent.length, seen, committed }));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
