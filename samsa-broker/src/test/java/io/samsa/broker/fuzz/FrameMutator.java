package io.samsa.broker.fuzz;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Turns a valid frame into a hostile one: bit flips, boundary bytes (0x00, 0x7f, 0x80, 0xff, varint continuation
 * runs), string length prefixes found in the frame rewritten (null, huge, off by one), length-like fields
 * rewritten at random positions (-1, huge, off by one, as int16, int32 or unsigned varint), truncation, garbage
 * appended, and size headers that disagree with the body (short of it, beyond it up to socket.request.max.bytes
 * and above, negative, zero). Apart from the last kind,
 * the size header is recomputed so the broker reads exactly the mutated body. Also makes pure random frames.
 * Used by one worker thread (its Random).
 */
final class FrameMutator {
    /** Claims up to this are "small"; larger ones, up to socket.request.max.bytes, make the broker reserve memory. */
    private static final int SMALL_UNBACKED_CLAIM = 64 * 1024;
    private static final int SOCKET_REQUEST_MAX_BYTES = 104_857_600;
    private static final byte[] BOUNDARY = {0x00, 0x7f, (byte) 0x80, (byte) 0xff, (byte) 0x81, 0x01};

    private final Random random;

    FrameMutator(Random random) {
        this.random = random;
    }

    FuzzFrame mutate(FuzzFrame valid) {
        byte[] body = Arrays.copyOfRange(valid.bytes(), 4, valid.bytes().length);
        String what;
        switch (random.nextInt(9)) {
            case 0 -> what = bitFlips(body);
            case 1 -> what = boundaryBytes(body);
            case 2 -> what = varintRun(body);
            case 3 -> what = lengthField(body);
            case 4 -> what = stringLength(body);
            case 5 -> {
                int keep = random.nextInt(body.length + 1);
                what = "truncated to " + keep;
                body = Arrays.copyOf(body, keep);
            }
            case 6 -> {
                int extra = 1 + random.nextInt(64);
                byte[] longer = Arrays.copyOf(body, body.length + extra);
                fillRandom(longer, body.length, extra);
                what = "extended by " + extra + " random bytes";
                body = longer;
            }
            case 7 -> {
                return wrongSizeHeader(body, valid.origin());
            }
            default -> what = bitFlips(body) + "; " + lengthField(body);
        }
        return new FuzzFrame(frame(body.length, body), "mutated (" + what + ") " + valid.origin(), true);
    }

    /** Random bytes behind a real or random header; the size header matches the bytes, except now and then. */
    FuzzFrame random(short[] apiKeys) {
        int n = random.nextInt(300);
        byte[] body = new byte[n];
        fillRandom(body, 0, n);
        String origin = "random " + n + " bytes";
        if (n >= 8 && random.nextInt(3) > 0) {
            ByteBuffer b = ByteBuffer.wrap(body);
            short key = random.nextInt(10) == 0 ? (short) random.nextInt(Short.MAX_VALUE) : apiKeys[random.nextInt(apiKeys.length)];
            short version = (short) (random.nextInt(20) - 1);
            b.putShort(key).putShort(version).putInt(random.nextInt());
            origin = "random " + n + " bytes behind header key " + key + " v" + version;
        }
        if (random.nextInt(20) == 0) {
            return wrongSizeHeader(body, origin);
        }
        return new FuzzFrame(frame(n, body), origin, true);
    }

    private FuzzFrame wrongSizeHeader(byte[] body, String origin) {
        int claim;
        String what;
        switch (random.nextInt(5)) {
            case 0 -> {
                claim = Math.max(0, body.length - 1 - random.nextInt(8));
                what = "size header " + claim + " short of " + body.length;
            }
            case 1 -> {
                int limit = random.nextBoolean() ? SMALL_UNBACKED_CLAIM : SOCKET_REQUEST_MAX_BYTES;
                claim = body.length + 1 + random.nextInt(limit - body.length);
                what = "size header " + claim + " beyond the " + body.length + " bytes sent";
            }
            case 2 -> {
                claim = random.nextInt(4) == 0 ? SOCKET_REQUEST_MAX_BYTES
                        : SOCKET_REQUEST_MAX_BYTES + 1 + random.nextInt(Integer.MAX_VALUE - SOCKET_REQUEST_MAX_BYTES - 1);
                what = "size header " + claim + (claim == SOCKET_REQUEST_MAX_BYTES ? " = " : " above ")
                        + "socket.request.max.bytes";
            }
            case 3 -> {
                claim = random.nextBoolean() ? -1 : Integer.MIN_VALUE + random.nextInt(1000);
                what = "negative size header " + claim;
            }
            default -> {
                claim = 0;
                what = "size header 0";
            }
        }
        return new FuzzFrame(frame(claim, body), "mutated (" + what + ") " + origin, claim == body.length);
    }

    private String bitFlips(byte[] body) {
        if (body.length == 0) {
            return "no bits to flip";
        }
        int n = 1 + random.nextInt(4);
        StringBuilder at = new StringBuilder("bit flips at");
        for (int i = 0; i < n; i++) {
            int pos = random.nextInt(body.length);
            body[pos] ^= (byte) (1 << random.nextInt(8));
            at.append(' ').append(pos);
        }
        return at.toString();
    }

    private String boundaryBytes(byte[] body) {
        if (body.length == 0) {
            return "no bytes to replace";
        }
        int n = 1 + random.nextInt(3);
        StringBuilder at = new StringBuilder("boundary bytes at");
        for (int i = 0; i < n; i++) {
            int pos = random.nextInt(body.length);
            body[pos] = BOUNDARY[random.nextInt(BOUNDARY.length)];
            at.append(' ').append(pos);
        }
        return at.toString();
    }

    private String varintRun(byte[] body) {
        if (body.length == 0) {
            return "no bytes for a varint run";
        }
        int pos = random.nextInt(body.length);
        int len = Math.min(body.length - pos, 1 + random.nextInt(6));
        byte fill = random.nextBoolean() ? (byte) 0x80 : (byte) 0xff;
        Arrays.fill(body, pos, pos + len, fill);
        return "varint continuation run " + len + "x" + String.format("%02x", fill) + " at " + pos;
    }

    /** Overwrites bytes at a random position with a length-like value: -1, huge, or the old value off by one. */
    private String lengthField(byte[] body) {
        if (body.length < 4) {
            return "too short for a length field";
        }
        int pos = 8 + (body.length > 12 ? random.nextInt(body.length - 12) : 0);
        pos = Math.min(pos, body.length - 4);
        ByteBuffer b = ByteBuffer.wrap(body);
        switch (random.nextInt(4)) {
            case 0 -> {
                short old = b.getShort(pos);
                short v = new short[] {-1, Short.MAX_VALUE, (short) (old + 1), (short) (old - 1), Short.MIN_VALUE}[random.nextInt(5)];
                b.putShort(pos, v);
                return "int16 at " + pos + " " + old + "->" + v;
            }
            case 1 -> {
                int old = b.getInt(pos);
                int v = new int[] {-1, Integer.MAX_VALUE, old + 1, old - 1, 0x10000000, -2}[random.nextInt(6)];
                b.putInt(pos, v);
                return "int32 at " + pos + " " + old + "->" + v;
            }
            case 2 -> {
                byte old = body[pos];
                body[pos] = (byte) (old + (random.nextBoolean() ? 1 : -1));
                return "varint at " + pos + " off by one";
            }
            default -> {
                // an unsigned varint claiming ~2^31 (compact lengths are length + 1; 0 means null)
                body[pos] = (byte) 0xff;
                body[pos + 1] = (byte) 0xff;
                body[pos + 2] = (byte) 0xff;
                body[pos + 3] = (byte) 0x07;
                return "huge varint at " + pos;
            }
        }
    }

    /**
     * Finds the strings in the body (runs of name characters whose length prefix, int16 or compact varint, matches
     * the run) and rewrites one prefix: null (-1 / 0), huge, or off by one either way.
     */
    private String stringLength(byte[] body) {
        List<int[]> strings = new ArrayList<>(); // {prefix position, prefix width, string length}
        for (int i = 2; i < body.length; ) {
            int end = i;
            while (end < body.length && isNameChar(body[end])) {
                end++;
            }
            int len = end - i;
            if (len >= 2) {
                if (len < 127 && body[i - 1] == (byte) (len + 1)) {
                    strings.add(new int[] {i - 1, 1, len});
                } else if (((body[i - 2] & 0xff) << 8 | (body[i - 1] & 0xff)) == len) {
                    strings.add(new int[] {i - 2, 2, len});
                }
            }
            i = end + 1;
        }
        if (strings.isEmpty()) {
            return lengthField(body);
        }
        int[] s = strings.get(random.nextInt(strings.size()));
        int pos = s[0];
        int len = s[2];
        int claim = new int[] {-1, len + 1, len - 1, 0x7fff, 0}[random.nextInt(5)];
        if (s[1] == 2) {
            body[pos] = (byte) (claim >> 8);
            body[pos + 1] = (byte) claim;
            return "int16 string length at " + pos + " " + len + "->" + claim;
        }
        // compact: length + 1 in one varint byte; 0 is null, 0x7f the most one byte can claim
        int compact = claim == -1 ? 0 : Math.min(claim + 1, 0x7f);
        body[pos] = (byte) compact;
        return "compact string length at " + pos + " " + len + "->" + (compact - 1);
    }

    private static boolean isNameChar(byte b) {
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '.'
                || b == '_';
    }

    private void fillRandom(byte[] b, int from, int n) {
        for (int i = from; i < from + n; i++) {
            b[i] = (byte) random.nextInt(256);
        }
    }

    private static byte[] frame(int sizeHeader, byte[] body) {
        return ByteBuffer.allocate(4 + body.length).putInt(sizeHeader).put(body).array();
    }
}
