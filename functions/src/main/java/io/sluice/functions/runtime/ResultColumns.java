package io.sluice.functions.runtime;

import io.sluice.functions.api.AggregateFunction;
import io.sluice.functions.api.Tabular;

import java.lang.reflect.Constructor;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The value columns of a pipeline's results, learned at definition time from the aggregate's result type, never by
 * running the user's {@code result} on an empty accumulator (an integer average written the obvious way divides by
 * zero there):
 * <ul>
 *   <li>a record is one column per component, named as the component ({@code record Stats(long count, long max)}:
 *       {@code count,max}); a record that is also {@link Tabular} gives its own names, asked of an instance whose
 *       components are all zero;</li>
 *   <li>any other type is one column, {@code value};</li>
 *   <li>a type the aggregate's class does not name (a generic helper) is learned from a sample result, and is
 *       {@code value} if that sample fails.</li>
 * </ul>
 */
final class ResultColumns {

    private ResultColumns() {
    }

    static List<String> of(AggregateFunction<?, ?, ?> aggregate) {
        Class<?> type = resultType(aggregate.getClass());
        if (type == null) {
            return fromSample(aggregate);
        }
        if (type.isRecord()) {
            return Tabular.class.isAssignableFrom(type) ? ((Tabular) zeroInstance(type)).columnNames()
                    : Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
        }
        if (Tabular.class.isAssignableFrom(type)) {
            return fromSample(aggregate);
        }
        return List.of("value");
    }

    /** The values of one result, in the order of {@link #of}. */
    static List<String> values(Object result) {
        if (result instanceof Tabular t) {
            return t.columnValues();
        }
        if (result instanceof Record r) {
            List<String> values = new ArrayList<>();
            for (RecordComponent c : r.getClass().getRecordComponents()) {
                try {
                    values.add(String.valueOf(c.getAccessor().invoke(r)));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("cannot read component " + c.getName() + " of " + r.getClass(), e);
                }
            }
            return values;
        }
        return List.of(String.valueOf(result));
    }

    private static List<String> fromSample(AggregateFunction<?, ?, ?> aggregate) {
        Object sample;
        try {
            sample = sample(aggregate);
        } catch (RuntimeException emptyAccumulatorFails) {
            return List.of("value");
        }
        if (sample instanceof Tabular t) {
            return t.columnNames();
        }
        if (sample instanceof Record r) {
            return Arrays.stream(r.getClass().getRecordComponents()).map(RecordComponent::getName).toList();
        }
        return List.of("value");
    }

    @SuppressWarnings("unchecked")
    private static <A> Object sample(AggregateFunction<?, A, ?> aggregate) {
        return aggregate.result(aggregate.createAccumulator());
    }

    /** The class bound to {@code OUT} by {@code clazz} or its superclasses, or null if it is a type variable. */
    static Class<?> resultType(Class<?> clazz) {
        for (Class<?> c = clazz; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Type t : c.getGenericInterfaces()) {
                Class<?> found = resultTypeIn(t);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private static Class<?> resultTypeIn(Type t) {
        if (t instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
                && AggregateFunction.class.isAssignableFrom(raw)) {
            Type out = p.getActualTypeArguments()[p.getActualTypeArguments().length - 1];
            if (out instanceof Class<?> c) {
                return c;
            }
            return out instanceof ParameterizedType po && po.getRawType() instanceof Class<?> c ? c : null;
        }
        return null;
    }

    private static Object zeroInstance(Class<?> record) {
        RecordComponent[] components = record.getRecordComponents();
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        Object[] zeros = Arrays.stream(types).map(ResultColumns::zero).toArray();
        try {
            Constructor<?> canonical = record.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return canonical.newInstance(zeros);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalArgumentException("result type " + record.getName() + " is Tabular but cannot be built "
                    + "with zero components to learn its columns: name them with Sink.withValueColumns(..)", e);
        }
    }

    private static Object zero(Class<?> type) {
        if (!type.isPrimitive()) {
            return null;
        }
        if (type == boolean.class) {
            return false;
        }
        if (type == char.class) {
            return '\0';
        }
        if (type == long.class) {
            return 0L;
        }
        if (type == double.class) {
            return 0d;
        }
        if (type == float.class) {
            return 0f;
        }
        if (type == byte.class) {
            return (byte) 0;
        }
        if (type == short.class) {
            return (short) 0;
        }
        return 0;
    }
}
