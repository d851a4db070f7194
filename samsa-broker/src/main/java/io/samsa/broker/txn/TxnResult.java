package io.samsa.broker.txn;

import org.apache.kafka.common.protocol.Errors;

/**
 * What a transaction operation decided: the record to write to the transaction log (null: nothing to write),
 * and the answer to give once that write has committed (at once when there is none). After a PREPARE_COMMIT or
 * PREPARE_ABORT record commits, the coordinator writes the markers that record names, then its COMPLETE record.
 * InitProducerId answers with the written record's producer id and epoch; EndTxn of transaction version 2 with
 * {@code producerId} and {@code producerEpoch}, the ones the producer goes on with (the bumped epoch, or the next
 * producer id at epoch 0 once the epoch ran out).
 */
public record TxnResult(Errors error, TxnRecord write, long producerId, short producerEpoch) {
    static TxnResult answer(Errors error) {
        return new TxnResult(error, null, -1L, (short) -1);
    }

    /** An answer without a write that names the producer id and epoch the id holds now (a retried EndTxn). */
    static TxnResult answer(Errors error, TxnRecord current) {
        return new TxnResult(error, null, current.producerId(), current.producerEpoch());
    }

    static TxnResult write(TxnRecord record, Errors answer) {
        return record.nextProducerId() >= 0 ? new TxnResult(answer, record, record.nextProducerId(), (short) 0)
                : new TxnResult(answer, record, record.producerId(), record.producerEpoch());
    }
}
