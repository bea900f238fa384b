package io.sluice.functions.io.kinesis;

import io.sluice.functions.codec.MalformedRecordException;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * De-aggregates records written by the Kinesis Producer Library: magic {@code F3 89 9A C2}, a protobuf
 * {@code AggregatedRecord}, then the 16-byte MD5 of the protobuf bytes. Only the user records' {@code data} is kept
 * (partition and hash keys do not matter once a record is in its shard). A small wire-format reader is enough: the
 * message has three fields we skip and one we read, so the protobuf runtime (2 MB) is not worth its cold start.
 *
 * <pre>{@code
 * if (KplAggregate.isAggregated(data)) {
 *     List<byte[]> userRecords = KplAggregate.deaggregate(data);   // in order: sub-sequence 0, 1, 2, ...
 * }
 * }</pre>
 *
 * <p>Wire layout ({@code messages.proto} of the KPL): {@code AggregatedRecord { repeated string
 * partition_key_table = 1; repeated string explicit_hash_key_table = 2; repeated Record records = 3; }} and
 * {@code Record { uint64 partition_key_index = 1; uint64 explicit_hash_key_index = 2; bytes data = 3; repeated Tag
 * tags = 4; }}.
 */
public final class KplAggregate {

    private static final byte[] MAGIC = {(byte) 0xF3, (byte) 0x89, (byte) 0x9A, (byte) 0xC2};
    private static final int DIGEST_BYTES = 16;
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_FIXED64 = 1;
    private static final int WIRE_LENGTH_DELIMITED = 2;
    private static final int WIRE_FIXED32 = 5;

    private KplAggregate() {
    }

    /** Whether {@code data} starts with the KPL magic and is long enough to hold a digest. */
    public static boolean isAggregated(byte[] data) {
        if (data.length < MAGIC.length + DIGEST_BYTES) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (data[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The user records of an aggregated record, in sub-sequence order.
     *
     * @throws MalformedRecordException if the MD5 does not match or the protobuf is malformed
     */
    public static List<byte[]> deaggregate(byte[] data) throws MalformedRecordException {
        int end = data.length - DIGEST_BYTES;
        byte[] digest = md5(data, MAGIC.length, end - MAGIC.length);
        if (!Arrays.equals(digest, 0, DIGEST_BYTES, data, end, data.length)) {
            throw new MalformedRecordException("KPL aggregated record with a wrong MD5 digest");
        }
        List<byte[]> records = new ArrayList<>();
        Reader in = new Reader(data, MAGIC.length, end);
        while (in.more()) {
            long tag = in.varint();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 3 && wire == WIRE_LENGTH_DELIMITED) {
                int length = in.length();
                records.add(recordData(new Reader(data, in.pos, in.pos + length)));
                in.pos += length;
            } else {
                in.skip(wire);
            }
        }
        return records;
    }

    private static byte[] recordData(Reader in) throws MalformedRecordException {
        byte[] value = null;
        while (in.more()) {
            long tag = in.varint();
            int field = (int) (tag >>> 3);
            int wire = (int) (tag & 7);
            if (field == 3 && wire == WIRE_LENGTH_DELIMITED) {
                int length = in.length();
                value = Arrays.copyOfRange(in.data, in.pos, in.pos + length);
                in.pos += length;
            } else {
                in.skip(wire);
            }
        }
        if (value == null) {
            throw new MalformedRecordException("KPL user record without data");
        }
        return value;
    }

    private static byte[] md5(byte[] data, int offset, int length) {
        try {
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            md5.update(data, offset, length);
            return md5.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JRE provides MD5", e);
        }
    }

    /** Protobuf wire reader over {@code data[pos, end)}. */
    private static final class Reader {
        private final byte[] data;
        private final int end;
        private int pos;

        Reader(byte[] data, int pos, int end) {
            this.data = data;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        long varint() throws MalformedRecordException {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) {
                    throw new MalformedRecordException("KPL aggregated record truncated inside a varint");
                }
                byte b = data[pos++];
                value |= (long) (b & 0x7F) << shift;
                if (b >= 0) {
                    return value;
                }
            }
            throw new MalformedRecordException("KPL aggregated record with a varint over 10 bytes");
        }

        int length() throws MalformedRecordException {
            long length = varint();
            if (length < 0 || length > end - pos) {
                throw new MalformedRecordException("KPL aggregated record with a field length past its end");
            }
            return (int) length;
        }

        void skip(int wire) throws MalformedRecordException {
            switch (wire) {
                case WIRE_VARINT:
                    varint();
                    return;
                case WIRE_FIXED64:
                    advance(8);
                    return;
                case WIRE_LENGTH_DELIMITED:
                    advance(length());
                    return;
                case WIRE_FIXED32:
                    advance(4);
                    return;
                default:
                    throw new MalformedRecordException("KPL aggregated record with an unknown protobuf wire type");
            }
        }

        private void advance(int n) throws MalformedRecordException {
            if (n > end - pos) {
                throw new MalformedRecordException("KPL aggregated record truncated");
            }
            pos += n;
        }
    }
}
