package io.attune.packbinaries.registry;

import io.attune.packbinaries.PropertyNames;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Time limits on response bodies. The JDK's request timeout ends when the headers arrive; a
 * registry that then sends its body one byte every few seconds would hold a goal for good. Every
 * body a registry client reads is watched here: one that delivers no byte for {@link #IDLE_LIMIT},
 * or is still being read when its retried step's time ({@code pack.push.retryTimeout}, 2 minutes by
 * default) has run out, is closed, and its reader gets an {@link IOException} naming the URL.
 *
 * <p>One timer thread per goal, not one per read: it starts with the first watched body, scans the
 * open bodies once per {@link #TICK}, stops scanning when none is open and ends a second later, and
 * ends for good when the goal's {@link RegistryConnections} close. The step deadline travels with
 * the thread that runs the step ({@link #duringStep}), which is where its bodies are opened.
 */
final class BodyWatchdog implements AutoCloseable {

  /** How long a body may send nothing before it is given up (then retried as a lost connection). */
  static final Duration IDLE_LIMIT = Duration.ofSeconds(30);

  /** How often open bodies are checked: limits hold to within this much. */
  static final Duration TICK = Duration.ofSeconds(1);

  private final long idleNanos;
  private final long tickNanos;
  private final Set<Watched> open = ConcurrentHashMap.newKeySet();
  // Per goal, not static: the deadline of the step the current thread runs, if any.
  private final ThreadLocal<StepDeadline> step = new ThreadLocal<>();
  private ScheduledThreadPoolExecutor timer; // guarded by this
  private ScheduledFuture<?> scan; // guarded by this
  private boolean closed; // guarded by this

  BodyWatchdog() {
    this(IDLE_LIMIT, TICK);
  }

  /** Tests pass shorter limits. */
  BodyWatchdog(Duration idleLimit, Duration tick) {
    this.idleNanos = idleLimit.toNanos();
    this.tickNanos = Math.max(1, tick.toNanos());
  }

  /** When the step that the current thread runs must end, and what set it. */
  private record StepDeadline(long nanos, Duration timeout) {}

  /** Marks the current thread as running a step that must end within {@code timeout}. */
  Scope duringStep(Duration timeout) {
    StepDeadline previous = step.get();
    long now = System.nanoTime();
    long nanos = now + saturatedNanos(timeout);
    if (nanos < now) {
      nanos = Long.MAX_VALUE;
    }
    if (previous == null || nanos - previous.nanos() < 0) {
      step.set(new StepDeadline(nanos, timeout));
    }
    return () -> {
      if (previous == null) {
        step.remove();
      } else {
        step.set(previous);
      }
    };
  }

  /** Ends a {@link #duringStep} mark; no checked exception. */
  @FunctionalInterface
  interface Scope extends AutoCloseable {
    @Override
    void close();
  }

  /** {@code body}, closed and failed by the limits; {@code url} is what its failure names. */
  InputStream watch(InputStream body, URI url) {
    Watched watched = new Watched(body, url, step.get());
    open.add(watched);
    startScanning();
    return watched;
  }

  private synchronized void startScanning() {
    if (closed || scan != null) {
      return;
    }
    if (timer == null) {
      timer =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread thread = new Thread(r, "pack-registry-body-watchdog");
                thread.setDaemon(true);
                return thread;
              });
      timer.setKeepAliveTime(1, TimeUnit.SECONDS);
      timer.allowCoreThreadTimeOut(true);
      timer.setRemoveOnCancelPolicy(true);
    }
    scan = timer.scheduleWithFixedDelay(this::scan, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
  }

  private void scan() {
    long now = System.nanoTime();
    for (Watched body : open) {
      body.check(now);
    }
    synchronized (this) {
      if (open.isEmpty() && scan != null) {
        scan.cancel(false);
        scan = null;
      }
    }
  }

  /** Bodies still open are closed (their readers fail) and the timer thread ends. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      if (timer != null) {
        timer.shutdownNow();
      }
    }
    for (Watched body : open) {
      body.expire(body.url + " was still being read when the goal ended");
    }
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE;
    }
  }

  private static String seconds(long nanos) {
    return String.format(Locale.ROOT, "%.0f s", nanos / 1e9);
  }

  /** A body whose reads count as progress; closed from the timer thread when a limit passes. */
  private final class Watched extends FilterInputStream {

    private final URI url;
    private final StepDeadline deadline;
    private volatile long lastProgress = System.nanoTime();
    private volatile String expired;

    Watched(InputStream in, URI url, StepDeadline deadline) {
      super(in);
      this.url = url;
      this.deadline = deadline;
    }

    void check(long now) {
      if (now - lastProgress > idleNanos) {
        expire(
            url
                + " sent no byte of its body for "
                + seconds(now - lastProgress)
                + " (the limit is "
                + seconds(idleNanos)
                + "); gave up on it");
      } else if (deadline != null && now - deadline.nanos() > 0) {
        expire(
            url
                + " was still sending its body when the step's time ran out ("
                + PropertyNames.PUSH_RETRY_TIMEOUT
                + " is "
                + seconds(saturatedNanos(deadline.timeout()))
                + "); gave up on it");
      }
    }

    void expire(String why) {
      if (expired != null) {
        return;
      }
      expired = why;
      open.remove(this);
      try {
        in.close(); // the JDK's body stream wakes a blocked reader when closed
      } catch (IOException ignored) {
        // the reader learns why from `expired`
      }
    }

    private IOException failure(IOException cause) {
      IOException e = new IOException(expired);
      if (cause != null) {
        e.initCause(cause);
      }
      return e;
    }

    private int counted(int n) throws IOException {
      if (expired != null) {
        throw failure(null);
      }
      if (n < 0) {
        open.remove(this);
      } else {
        lastProgress = System.nanoTime();
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      if (expired != null) {
        throw failure(null);
      }
      try {
        int b = in.read();
        return counted(b < 0 ? -1 : 1) < 0 ? -1 : b;
      } catch (IOException e) {
        throw expired != null ? failure(e) : e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (expired != null) {
        throw failure(null);
      }
      try {
        return counted(in.read(b, off, len));
      } catch (IOException e) {
        throw expired != null ? failure(e) : e;
      }
    }

    @Override
    public long skip(long n) throws IOException {
      if (expired != null) {
        throw failure(null);
      }
      try {
        long skipped = in.skip(n);
        lastProgress = System.nanoTime();
        return skipped;
      } catch (IOException e) {
        throw expired != null ? failure(e) : e;
      }
    }

    @Override
    public void close() throws IOException {
      open.remove(this);
      in.close();
    }
  }
}
