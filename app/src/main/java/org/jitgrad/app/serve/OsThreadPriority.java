package org.jitgrad.app.serve;

import java.io.IOException;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

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
     * Sets the nice value of every thread of this process whose name (as Linux's {@code /proc/self/task/TID/comm}
     * shows it: at most 15 characters) starts with one of {@code prefixes}; used for the JVM's own threads, which
     * Java code cannot reach as {@link Thread}s.
     *
     * @return how many threads were set (0 off Linux or without native access)
     */
    static int setNiceOfThreadsNamed(int nice, String... prefixes) {
        if (SETPRIORITY == null) return 0;
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) return 0;
        int set = 0;
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(tasks)) {
            for (Path task : dir) {
                String name;
                int tid;
                try {
                    tid = Integer.parseInt(task.getFileName().toString());
                    name = Files.readString(task.resolve("comm")).strip();
                } catch (IOException | NumberFormatException e) {
                    continue;  // the thread ended meanwhile
                }
                for (String prefix : prefixes) {
                    if (name.startsWith(prefix)) {
                        if (setNice(tid, nice)) set++;
                        break;
                    }
                }
            }
        } catch (IOException e) {
            return set;
        }
        return set;
    }

    private static boolean setNice(int tid, int nice) {
        try {
            return (int) SETPRIORITY.invokeExact(PRIO_PROCESS, tid, nice) == 0;
        } catch (Throwable t) {
            return false;
        }
    }

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
