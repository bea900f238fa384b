package io.sluice.functions.codec;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;

/**
 * Reads {@code \n}-terminated lines (a trailing {@code \r} is dropped) as byte slices, never holding more than
 * {@code maxLineBytes} of one line: a longer line is skipped up to its end and reported as oversized, so a
 * corrupt input with no newlines cannot exhaust memory.
 *
 * <pre>{@code
 * try (var lines = new BoundedLineReader(in, 1 << 20)) {
 *     while (lines.next()) {
 *         if (lines.oversized()) reject(lines.lineNumber(), "line exceeds 1048576 bytes");
 *         else decode(lines.buffer(), lines.offset(), lines.length());
 *     }
 * }
 * }</pre>
 *
 * <p>The slice is valid until the next call to {@link #next()}. Not thread-safe.
 */
public final class BoundedLineReader implements Closeable {

    private static final int READ_CHUNK = 1 << 16;

    private final InputStream in;
    private final int maxLineBytes;
    private byte[] buffer;
    private int start;
    private int end;
    private boolean eof;

    private int lineOffset;
    private int lineLength;
    private boolean oversized;
    private long lineNumber;
    private long lineStart;
    private long bytesRead;

    /**
     * @param in           the input; closed by {@link #close()}
     * @param maxLineBytes longest accepted line, excluding the line terminator
     */
    public BoundedLineReader(InputStream in, int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be >= 1 but was " + maxLineBytes);
        }
        this.in = in;
        this.maxLineBytes = maxLineBytes;
        this.buffer = new byte[Math.min(maxLineBytes, READ_CHUNK) + READ_CHUNK];
    }

    /**
     * Advances to the next line.
     *
     * @return false at the end of input
     */
    public boolean next() throws IOException {
        oversized = false;
        int scanFrom = start;
        while (true) {
            int newline = indexOfNewline(scanFrom, end);
            if (newline >= 0) {
                lineStart = bytesRead - end + start;
                int length = newline - start;
                if (length > maxLineBytes) {
                    oversized = true;
                    lineLength = length;
                } else {
                    setLine(start, length);
                }
                start = newline + 1;
                lineNumber++;
                return true;
            }
            if (end - start > maxLineBytes) {
                lineStart = bytesRead - end + start;
                return skipOversized();
            }
            if (eof) {
                if (start == end) {
                    return false;
                }
                lineStart = bytesRead - end + start;
                setLine(start, end - start);
                start = end;
                lineNumber++;
                return true;
            }
            int scanned = end - start;
            fill();
            scanFrom = start + scanned;
        }
    }

    /**
     * Consumes {@code in} up to and including its next newline, as a reader of a byte range does when the range
     * starts inside a line that belongs to the range before.
     *
     * @return the bytes consumed
     */
    public static long skipToNextLine(InputStream in) throws IOException {
        long n = 0;
        int b;
        while ((b = in.read()) >= 0) {
            n++;
            if (b == '\n') {
                break;
            }
        }
        return n;
    }

    /** The buffer holding the current line. */
    public byte[] buffer() {
        return buffer;
    }

    /** Offset of the current line in {@link #buffer()}. */
    public int offset() {
        return lineOffset;
    }

    /** Length of the current line in bytes, without its terminator (for an oversized line: bytes skipped). */
    public int length() {
        return lineLength;
    }

    /** Whether the current line was longer than the bound and skipped; its bytes are not available. */
    public boolean oversized() {
        return oversized;
    }

    /** 1-based number of the current line. */
    public long lineNumber() {
        return lineNumber;
    }

    /** Offset in the input of the current line's first byte. */
    public long lineStart() {
        return lineStart;
    }

    /** Bytes consumed from the input so far. */
    public long bytesRead() {
        return bytesRead;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    private void setLine(int offset, int length) {
        if (length > 0 && buffer[offset + length - 1] == '\r') {
            length--;
        }
        lineOffset = offset;
        lineLength = length;
    }

    /** Discards the current line up to and including its newline. */
    private boolean skipOversized() throws IOException {
        long skipped = end - start;
        start = end;
        while (true) {
            if (start == end) {
                if (eof) {
                    break;
                }
                fill();
                continue;
            }
            int newline = indexOfNewline(start, end);
            if (newline >= 0) {
                skipped += newline - start;
                start = newline + 1;
                break;
            }
            skipped += end - start;
            start = end;
        }
        oversized = true;
        lineLength = (int) Math.min(Integer.MAX_VALUE, skipped);
        lineNumber++;
        return true;
    }

    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buffer.length) {
            byte[] bigger = new byte[Math.min(buffer.length * 2, maxLineBytes + READ_CHUNK + 1)];
            System.arraycopy(buffer, 0, bigger, 0, end);
            buffer = bigger;
        }
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            eof = true;
        } else {
            end += n;
            bytesRead += n;
        }
    }

    private int indexOfNewline(int from, int to) {
        int i = AsciiWords.newline(buffer, from, to);
        return i < to ? i : -1;
    }
}
