package io.sluice.benchmarks;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The plain loops' line reader: {@code \n}-terminated lines of a file as slices of one 64 KB buffer (grown for a
 * longer line), no copy, no charset decoding. What a careful programmer writes by hand; no length bound, no
 * {@code \r} handling (the generated input has neither).
 *
 * <pre>{@code
 * try (ByteLines lines = ByteLines.open(path)) {
 *     while (lines.next()) use(lines.buffer(), lines.offset(), lines.length());
 * }
 * }</pre>
 */
final class ByteLines implements Closeable {

    private final InputStream in;
    private byte[] buffer = new byte[1 << 16];
    private int start;
    private int end;
    private boolean eof;
    private int lineOffset;
    private int lineLength;

    private ByteLines(InputStream in) {
        this.in = in;
    }

    static ByteLines open(Path path) throws IOException {
        return new ByteLines(Files.newInputStream(path));
    }

    /** Advances to the next line; false at the end of the input. */
    boolean next() throws IOException {
        int scan = start;
        while (true) {
            byte[] b = buffer;
            for (int i = scan; i < end; i++) {
                if (b[i] == '\n') {
                    lineOffset = start;
                    lineLength = i - start;
                    start = i + 1;
                    return true;
                }
            }
            if (eof) {
                if (start == end) {
                    return false;
                }
                lineOffset = start;
                lineLength = end - start;
                start = end;
                return true;
            }
            scan = end - start;
            fill();
        }
    }

    byte[] buffer() {
        return buffer;
    }

    int offset() {
        return lineOffset;
    }

    int length() {
        return lineLength;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Moves the unread tail to the front (growing the buffer if it is full) and reads more. */
    private void fill() throws IOException {
        int tail = end - start;
        if (tail == buffer.length) {
            byte[] bigger = new byte[buffer.length * 2];
            System.arraycopy(buffer, start, bigger, 0, tail);
            buffer = bigger;
        } else if (start > 0) {
            System.arraycopy(buffer, start, buffer, 0, tail);
        }
        start = 0;
        end = tail;
        int n = in.read(buffer, end, buffer.length - end);
        if (n < 0) {
            eof = true;
        } else {
            end += n;
        }
    }
}
