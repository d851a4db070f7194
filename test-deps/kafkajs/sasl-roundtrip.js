// kafkajs over SASL_SSL: produces N messages to TOPIC as USER and reads them back from the beginning, then prints
// one JSON line. A failed authentication prints {"error": "<kafkajs error name>", "message": ...} and exits 2.
// Usage: node sasl-roundtrip.js BROKER CA_PEM MECHANISM USER PASSWORD TOPIC N
const fs = require('fs');
const { Kafka, logLevel } = require('kafkajs');

async function main() {
  const [broker, caPem, mechanism, username, password, topic, countArg] = process.argv.slice(2);
  const count = parseInt(countArg, 10);
  const kafka = new Kafka({
    clientId: 'kafkajs-sasl-peer',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    ssl: { ca: [fs.readFileSync(caPem, 'utf8')] },
    sasl: { mechanism: mechanism.toLowerCase(), username, password },
    retry: { retries: 2 },
  });

  const producer = kafka.producer();
  await producer.connect();
  const messages = [];
  for (let i = 0; i < count; i++) {
    messages.push({ value: `value-${i}` });
  }
  await producer.send({ topic, messages, acks: -1 });
  await producer.disconnect();

  const consumer = kafka.consumer({ groupId: `${topic}-readers`, sessionTimeout: 10000, rebalanceTimeout: 10000 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const seen = [];
  const done = new Promise((resolve) => {
    consumer.run({
      eachMessage: async ({ message }) => {
        seen.push(message.value.toString());
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
  await consumer.disconnect();
  console.log(JSON.stringify({ seen }));
}

main().catch((e) => {
  if (e && /SASL|[Aa]uthentication/.test(`${e.name} ${e.message}`)) {
    console.log(JSON.stringify({ error: e.name, message: e.message }));
    process.exit(2);
  }
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
