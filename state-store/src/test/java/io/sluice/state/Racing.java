package io.sluice.state;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/** Runs two actions released at the same instant from two threads. */
final class Racing {

    private Racing() {
    }

    static List<Boolean> race(Callable<Boolean> first, Callable<Boolean> second) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<Boolean> a = pool.submit(() -> {
                start.await();
                return first.call();
            });
            Future<Boolean> b = pool.submit(() -> {
                start.await();
                return second.call();
            });
            return List.of(a.get(30, TimeUnit.SECONDS), b.get(30, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    /** True if {@code write} returned, false if it lost on its fence. */
    static boolean succeeds(Runnable write) {
        try {
            write.run();
            return true;
        } catch (FenceConflictException lost) {
            return false;
        }
    }
}
