package io.sluice.functions.codec;

import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;

/**
 * Builds records from constructor arguments. A public record of up to {@value #MAX_DIRECT_ARITY} components gets a
 * class spun by {@link LambdaMetafactory} that calls its canonical constructor directly, which the JIT inlines into
 * the decoder; others (non-public, more components) go through reflection.
 *
 * <p>Why: the reflective {@code Constructor.newInstance} was 10 % of a batch run's CPU (BENCHMARKS.md, issue 15).
 * Its accessor is shared by every record type any library builds reflectively (Jackson does), so the call is
 * megamorphic, never inlined, and every argument crosses it boxed in an array.
 *
 * <pre>{@code
 * RecordFactory<Order> make = RecordFactory.of(Order.class.getDeclaredConstructor(String.class, ...));
 * Order o = make.create(new Object[] {"o-1", "u-2", "c-3", 1999L, 1605052800123L});
 * }</pre>
 *
 * @param <T> the record type
 */
abstract sealed class RecordFactory<T> {

    static final int MAX_DIRECT_ARITY = 8;

    /**
     * The record built from {@code args} (boxed, in component order).
     *
     * @throws RuntimeException whatever the constructor throws (a compact constructor's check), unwrapped
     */
    abstract T create(Object[] args);

    /** Whether records are built without reflection (for tests). */
    abstract boolean direct();

    static <T> RecordFactory<T> of(Constructor<T> constructor) {
        if (constructor.getParameterCount() <= MAX_DIRECT_ARITY && accessible(constructor)) {
            try {
                return new Direct<>(constructor);
            } catch (Throwable notSpun) {   // LambdaConversionException, an access check: reflection still works
                return new Reflective<>(constructor);
            }
        }
        return new Reflective<>(constructor);
    }

    /** Public constructor of a public class whose enclosing classes are public, in a package open to this one. */
    private static boolean accessible(Constructor<?> constructor) {
        if (!Modifier.isPublic(constructor.getModifiers())) {
            return false;
        }
        for (Class<?> c = constructor.getDeclaringClass(); c != null; c = c.getEnclosingClass()) {
            if (!Modifier.isPublic(c.getModifiers())) {
                return false;
            }
        }
        Class<?> type = constructor.getDeclaringClass();
        return type.getModule().isExported(type.getPackageName(), RecordFactory.class.getModule());
    }

    private static final class Reflective<T> extends RecordFactory<T> {
        private final Constructor<T> constructor;

        Reflective(Constructor<T> constructor) {
            this.constructor = constructor;
            constructor.setAccessible(true);
        }

        @Override
        T create(Object[] args) {
            try {
                return constructor.newInstance(args);
            } catch (InvocationTargetException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalArgumentException(e.getCause());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot build " + constructor.getDeclaringClass().getName(), e);
            }
        }

        @Override
        boolean direct() {
            return false;
        }
    }

    /** One interface per arity: a spun class implements it by calling the constructor (arguments unboxed). */
    interface A0 { Object make(); }
    interface A1 { Object make(Object a); }
    interface A2 { Object make(Object a, Object b); }
    interface A3 { Object make(Object a, Object b, Object c); }
    interface A4 { Object make(Object a, Object b, Object c, Object d); }
    interface A5 { Object make(Object a, Object b, Object c, Object d, Object e); }
    interface A6 { Object make(Object a, Object b, Object c, Object d, Object e, Object f); }
    interface A7 { Object make(Object a, Object b, Object c, Object d, Object e, Object f, Object g); }
    interface A8 { Object make(Object a, Object b, Object c, Object d, Object e, Object f, Object g, Object h); }

    private static final Class<?>[] INTERFACES = {A0.class, A1.class, A2.class, A3.class, A4.class, A5.class, A6.class,
            A7.class, A8.class};

    private static final class Direct<T> extends RecordFactory<T> {
        private final int arity;
        private final Object maker;
        private final Class<T> type;

        Direct(Constructor<T> constructor) throws Throwable {
            this.arity = constructor.getParameterCount();
            this.type = constructor.getDeclaringClass();
            Class<?> iface = INTERFACES[arity];
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            MethodHandle target = lookup.unreflectConstructor(constructor);
            Class<?>[] boxed = new Class<?>[arity];
            for (int i = 0; i < arity; i++) {
                boxed[i] = MethodType.methodType(constructor.getParameterTypes()[i]).wrap().returnType();
            }
            MethodType erased = MethodType.genericMethodType(arity);
            this.maker = LambdaMetafactory.metafactory(lookup, "make", MethodType.methodType(iface), erased, target,
                    MethodType.methodType(type, boxed)).getTarget().invoke();
        }

        @Override
        T create(Object[] a) {
            Object made = switch (arity) {
                case 0 -> ((A0) maker).make();
                case 1 -> ((A1) maker).make(a[0]);
                case 2 -> ((A2) maker).make(a[0], a[1]);
                case 3 -> ((A3) maker).make(a[0], a[1], a[2]);
                case 4 -> ((A4) maker).make(a[0], a[1], a[2], a[3]);
                case 5 -> ((A5) maker).make(a[0], a[1], a[2], a[3], a[4]);
                case 6 -> ((A6) maker).make(a[0], a[1], a[2], a[3], a[4], a[5]);
                case 7 -> ((A7) maker).make(a[0], a[1], a[2], a[3], a[4], a[5], a[6]);
                default -> ((A8) maker).make(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
            };
            return type.cast(made);
        }

        @Override
        boolean direct() {
            return true;
        }
    }
}
