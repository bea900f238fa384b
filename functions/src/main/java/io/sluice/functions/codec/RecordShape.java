package io.sluice.functions.codec;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * A record type as the projected decoders see it: its components in declaration order, which of them the pipeline
 * reads, and how to build an instance with the others left at their defaults ({@code null}, {@code 0}).
 *
 * <p>The hand-written fast paths handle components of type {@code String}, {@code long} and {@code int} whose names
 * are plain ASCII, on a record without Jackson annotations (which could rename or re-type a property);
 * {@link #scannable()} is false otherwise and every record takes the full decoder.
 *
 * @param <T> the record type
 */
final class RecordShape<T> {

    enum Kind { STRING, LONG, INT, OTHER }

    private final Class<T> type;
    private final String[] names;
    private final byte[][] nameBytes;
    private final Kind[] kinds;
    private final boolean[] read;
    private final Method[] accessors;
    private final Constructor<T> constructor;
    private final Object[] defaults;
    private final boolean scannable;

    private RecordShape(Class<T> type, List<String> projection) {
        RecordComponent[] components = type.getRecordComponents();
        if (components == null) {
            throw new IllegalArgumentException("a projection needs a record type, not " + type.getName());
        }
        if (components.length > 62) {
            throw new IllegalArgumentException("a projected record has at most 62 fields: " + type.getName());
        }
        this.type = type;
        int n = components.length;
        names = new String[n];
        nameBytes = new byte[n][];
        kinds = new Kind[n];
        read = new boolean[n];
        accessors = new Method[n];
        Class<?>[] parameterTypes = new Class<?>[n];
        boolean plain = !hasJacksonAnnotation(type.getAnnotations());
        for (int i = 0; i < n; i++) {
            RecordComponent c = components[i];
            names[i] = c.getName();
            nameBytes[i] = c.getName().getBytes(StandardCharsets.UTF_8);
            kinds[i] = kindOf(c.getType());
            read[i] = projection.contains(c.getName());
            accessors[i] = c.getAccessor();
            accessors[i].setAccessible(true);
            parameterTypes[i] = c.getType();
            plain &= kinds[i] != Kind.OTHER && isPlainAscii(c.getName())
                    && !hasJacksonAnnotation(c.getAnnotations()) && !hasJacksonAnnotation(c.getAccessor().getAnnotations());
        }
        for (String field : projection) {
            if (!Arrays.asList(names).contains(field)) {
                throw new IllegalArgumentException("no field [" + field + "] in " + type.getSimpleName());
            }
        }
        try {
            constructor = type.getDeclaredConstructor(parameterTypes);
            constructor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("no canonical constructor in " + type.getName(), e);
        }
        defaults = new Object[n];
        for (int i = 0; i < n; i++) {
            defaults[i] = defaultOf(parameterTypes[i]);
        }
        this.scannable = plain;
    }

    static <T> RecordShape<T> of(Class<T> type, List<String> projection) {
        return new RecordShape<>(type, projection);
    }

    int size() {
        return names.length;
    }

    String name(int i) {
        return names[i];
    }

    Kind kind(int i) {
        return kinds[i];
    }

    boolean read(int i) {
        return read[i];
    }

    /** Whether the fast paths can decode this type (otherwise every record takes the full decoder). */
    boolean scannable() {
        return scannable;
    }

    /**
     * The component named by {@code bytes[offset, offset + length)}, or -1. Tries {@code expected} first: producers
     * write fields in one order, usually the record's, so the first comparison almost always matches.
     */
    int indexOf(byte[] bytes, int offset, int length, int expected) {
        if (expected < nameBytes.length && matches(nameBytes[expected], bytes, offset, length)) {
            return expected;
        }
        for (int i = 0; i < nameBytes.length; i++) {
            if (matches(nameBytes[i], bytes, offset, length)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Whether {@code bytes[offset..]} holds component {@code i}'s name and then a quote, all before {@code end}; false
     * if there is no component {@code i}. A name is plain ASCII without quotes or backslashes ({@link #scannable}).
     */
    boolean quotedNameAt(int i, byte[] bytes, int offset, int end) {
        if (i >= nameBytes.length) {
            return false;
        }
        byte[] name = nameBytes[i];
        int quote = offset + name.length;
        return quote < end && bytes[quote] == '"' && matches(name, bytes, offset, name.length);
    }

    /** The length in bytes of component {@code i}'s name. */
    int nameLength(int i) {
        return nameBytes[i].length;
    }

    /** A plain loop: names are a few bytes, shorter than a call to the vectorised {@code Arrays.equals} pays off. */
    private static boolean matches(byte[] name, byte[] bytes, int offset, int length) {
        if (name.length != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (name[i] != bytes[offset + i]) {
                return false;
            }
        }
        return true;
    }

    /** The component named {@code name}, or -1. */
    int indexOf(String name) {
        return Arrays.asList(names).indexOf(name);
    }

    /** Fresh constructor arguments: every component at its default, the value a projected-out field keeps. */
    Object[] defaults() {
        // Not clone(): Lambda's C1-only JVM calls into the VM for it, 3 % of the Kinesis handler's CPU (issue 15).
        Object[] args = new Object[defaults.length];
        System.arraycopy(defaults, 0, args, 0, args.length);
        return args;
    }

    /** Resets {@code args} to {@link #defaults()}. */
    void resetDefaults(Object[] args) {
        System.arraycopy(defaults, 0, args, 0, args.length);
    }

    private static Object defaultOf(Class<?> t) {
        if (!t.isPrimitive()) {
            return null;
        }
        if (t == boolean.class) {
            return false;
        }
        if (t == char.class) {
            return (char) 0;
        }
        return t == long.class ? (Object) 0L : t == double.class ? (Object) 0.0d : t == float.class ? (Object) 0.0f
                : t == byte.class ? (Object) (byte) 0 : t == short.class ? (Object) (short) 0 : (Object) 0;
    }

    /**
     * The record built from {@code args}, or {@code null} if its constructor refuses them (a compact constructor's
     * check): the caller then takes the full decoder, which reports the refusal as Jackson does.
     */
    T create(Object[] args) {
        try {
            return constructor.newInstance(args);
        } catch (InvocationTargetException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot build " + type.getName(), e);
        }
    }

    /** {@code full} with every component the pipeline does not read at its default. */
    T project(T full) {
        Object[] args = defaults();
        try {
            for (int i = 0; i < args.length; i++) {
                if (read[i]) {
                    args[i] = accessors[i].invoke(full);
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read " + type.getName(), e);
        }
        T projected = create(args);
        if (projected == null) {
            throw new IllegalStateException(type.getName() + "'s constructor refuses the defaults (null, 0) of the "
                    + "fields a projection leaves out: read them all, or accept the defaults");
        }
        return projected;
    }

    private static Kind kindOf(Class<?> t) {
        if (t == String.class) {
            return Kind.STRING;
        }
        if (t == long.class) {
            return Kind.LONG;
        }
        if (t == int.class) {
            return Kind.INT;
        }
        return Kind.OTHER;
    }

    private static boolean isPlainAscii(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x21 || c > 0x7e || c == '"' || c == '\\' || c == ',') {
                return false;
            }
        }
        return true;
    }

    private static boolean hasJacksonAnnotation(java.lang.annotation.Annotation[] annotations) {
        for (java.lang.annotation.Annotation a : annotations) {
            if (a.annotationType().getName().startsWith("com.fasterxml.jackson.")) {
                return true;
            }
        }
        return false;
    }
}
