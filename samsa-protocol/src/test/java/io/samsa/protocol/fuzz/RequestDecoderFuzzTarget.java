package io.samsa.protocol.fuzz;

import java.nio.ByteBuffer;

import org.apache.kafka.common.errors.InvalidRequestException;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.samsa.protocol.RequestFrameHeader;
import io.samsa.protocol.WireCodec;

/**
 * Coverage-guided fuzzing of the request decoder, the first code every byte from a client reaches: any frame is
 * either decoded or refused with INVALID_REQUEST ({@link InvalidRequestException}); any other exception or error (a
 * NullPointerException, an OutOfMemoryError from a size field believed, a hang) is a finding. In the suite it fuzzes
 * for {@link FuzzDurations#SUITE} from the committed corpus under {@code src/test/resources}; without
 * {@code JAZZER_FUZZ} it replays that corpus only.
 */
class RequestDecoderFuzzTarget {

    @FuzzTest(maxDuration = FuzzDurations.SUITE)
    void decodesOrRefusesAnyFrame(byte[] frame) {
        ByteBuffer buffer = ByteBuffer.wrap(frame);
        try {
            RequestFrameHeader header = WireCodec.parseHeader(buffer);
            if (WireCodec.canDecode(header)) {
                WireCodec.decodeBody(header, buffer);
            }
        } catch (InvalidRequestException refused) {
            // what a malformed frame must get
        }
    }
}
