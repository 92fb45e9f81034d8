package org.jitgrad.app.serve;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Lowers the operating-system scheduling priority of the calling thread, through libc's {@code gettid} and
 * {@code setpriority} called with the JDK's foreign function API (no JNI library). Java's own
 * {@link Thread#setPriority} is ignored on Linux unless the JVM runs as root with
 * {@code -XX:ThreadPriorityPolicy=1}; raising a thread's nice value needs no privilege.
 *
 * <p>The server runs its background work (the trainer and the /train parsers) at a higher nice value than the
 * threads that answer requests, so on a machine whose cores training keeps busy, a prediction that wakes up gets a
 * core at once instead of waiting for a time slice; training still takes every cycle predictions leave.
 */
final class OsThreadPriority {
    private static final MethodHandle GETTID, SETPRIORITY;
    private static final int PRIO_PROCESS = 0;

    static {
        MethodHandle gettid = null, setpriority = null;
        try {
            Linker linker = Linker.nativeLinker();
            SymbolLookup libc = linker.defaultLookup();
            gettid = libc.find("gettid").map(s -> linker.downcallHandle(s, FunctionDescriptor.of(ValueLayout.JAVA_INT))).orElse(null);
            setpriority = libc.find("setpriority").map(s -> linker.downcallHandle(s,
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT)))
                    .orElse(null);
        } catch (RuntimeException | LinkageError e) {
            // not Linux, or native access denied: stay at the default priority
        }
        GETTID = gettid;
        SETPRIORITY = setpriority;
    }

    private OsThreadPriority() {}

    /**
     * Sets the calling thread's nice value to {@code nice} (Linux: per thread; higher is lower priority).
     *
     * @return whether it was set (false off Linux, without native access, or when the system refuses)
     */
    static boolean setCurrentThreadNice(int nice) {
        if (GETTID == null || SETPRIORITY == null) return false;
        try {
            int tid = (int) GETTID.invokeExact();
            return (int) SETPRIORITY.invokeExact(PRIO_PROCESS, tid, nice) == 0;
        } catch (Throwable t) {
            return false;
        }
    }
}
