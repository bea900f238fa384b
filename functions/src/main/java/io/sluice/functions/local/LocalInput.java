package io.sluice.functions.local;

import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;

/**
 * Input of a local run: a file (plain or gzip, recognised by its magic bytes) or standard input. Only a plain file
 * can be split into byte-range tasks.
 *
 * <pre>{@code
 * LocalInput in = LocalInput.of(Path.of("orders.jsonl.gz"));   // throws NoSuchFileException if absent
 * LocalInput stdin = LocalInput.stdin();
 * }</pre>
 */
public final class LocalInput {

    private final Path path;
    private final Supplier<InputStream> stdin;
    private final boolean gzip;
    private final long size;

    private LocalInput(Path path, Supplier<InputStream> stdin, boolean gzip, long size) {
        this.path = path;
        this.stdin = stdin;
        this.gzip = gzip;
        this.size = size;
    }

    /**
     * A file.
     *
     * @throws NoSuchFileException if it does not exist or is not a regular file
     */
    public static LocalInput of(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new NoSuchFileException(path.toString(), null, "no such file");
        }
        boolean gzip;
        try (InputStream in = Files.newInputStream(path)) {
            gzip = in.read() == 0x1f && in.read() == 0x8b;
        }
        return new LocalInput(path, null, gzip, Files.size(path));
    }

    /** Standard input (gzip is recognised too). */
    public static LocalInput stdin() {
        return new LocalInput(null, () -> System.in, false, -1);
    }

    /** Input from a stream supplier, for tests. */
    static LocalInput ofStream(Supplier<InputStream> supplier) {
        return new LocalInput(null, supplier, false, -1);
    }

    /** Whether byte-range tasks can read this input in parallel. */
    boolean splittable() {
        return path != null && !gzip;
    }

    /** Size in bytes of the file as stored, or -1 for a stream. */
    public long size() {
        return size;
    }

    /** A description for messages. */
    public String name() {
        return path != null ? path.toString() : "<stdin>";
    }

    /** The whole input, decompressed. */
    InputStream open() throws IOException {
        InputStream raw = path != null ? Files.newInputStream(path) : stdin.get();
        BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        boolean gz = in.read() == 0x1f && in.read() == 0x8b;
        in.reset();
        return gz ? new GZIPInputStream(in, 1 << 16) : in;
    }

    /** The plain file from {@code position} to its end. */
    InputStream openAt(long position) throws IOException {
        if (path == null) {
            throw new FileNotFoundException("standard input cannot be read at an offset");
        }
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        channel.position(position);
        return Channels.newInputStream(channel);
    }
}
