package io.samsa.broker.txn;

import org.apache.kafka.common.protocol.Errors;

/**
 * What a transaction operation decided: the record to write to the transaction log (null: nothing to write),
 * and the answer to give once that write has committed (at once when there is none). After a PREPARE_COMMIT or
 * PREPARE_ABORT record commits, the coordinator writes the markers that record names, then its COMPLETE record.
 * InitProducerId answers with the written record's producer id and epoch.
 */
public record TxnResult(Errors error, TxnRecord write) {
    static TxnResult answer(Errors error) {
        return new TxnResult(error, null);
    }

    static TxnResult write(TxnRecord record, Errors answer) {
        return new TxnResult(answer, record);
    }
}
