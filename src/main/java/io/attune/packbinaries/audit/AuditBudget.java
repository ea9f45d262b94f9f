package io.attune.packbinaries.audit;

import io.attune.packbinaries.PackFailure;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * What is left of one audit's budget: the bytes it may still download and unpack, and the time
 * until its deadline. Shared by every layer of every platform of the audit, platforms audited at
 * once included.
 */
final class AuditBudget {

  private final AuditLimits limits;
  private final LongSupplier clock;
  private final long deadline;
  private final AtomicLong bytesLeft;

  AuditBudget(AuditLimits limits) {
    this(limits, System::nanoTime);
  }

  AuditBudget(AuditLimits limits, LongSupplier clock) {
    this.limits = limits;
    this.clock = clock;
    this.bytesLeft = new AtomicLong(limits.maxAuditBytes());
    this.deadline = clock.getAsLong() + saturatedNanos(limits.maxAuditTime());
  }

  private static long saturatedNanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }

  /** Counts {@code n} bytes downloaded or unpacked; unchecked so it passes the tar reader. */
  void spend(long n) {
    if (bytesLeft.addAndGet(-n) < 0) {
      throw new Exceeded(
          "downloads and unpacks more than "
              + limits.maxAuditBytes()
              + " bytes in all, more than one audit reads (AuditLimits.maxAuditBytes)");
    }
    checkTime();
  }

  /** Throws when the deadline has passed; unchecked so it passes the tar reader. */
  void checkTime() {
    if (clock.getAsLong() - deadline > 0) {
      throw new Exceeded(
          "takes longer than "
              + limits.maxAuditTime().toSeconds()
              + " s, more than one audit may take (AuditLimits.maxAuditTime)");
    }
  }

  /** {@link #checkTime} as a failure about {@code where}. */
  void checkTime(String where) throws PackFailure {
    try {
      checkTime();
    } catch (Exceeded e) {
      throw e.failure(where);
    }
  }

  /** A budget spent; {@link #failure} says what and where. */
  static final class Exceeded extends RuntimeException {
    Exceeded(String what) {
      super(what, null, false, false);
    }

    PackFailure failure(String where) {
      return new PackFailure("The audit stopped at " + where + ": the image " + getMessage() + ".");
    }
  }
}
