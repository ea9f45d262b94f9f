package io.attune.packbinaries.registry;

import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code Retry-After} per RFC 9110 section 10.2.3: delay-seconds or an HTTP-date (IMF-fixdate, and
 * the obsolete RFC 850 and asctime forms a recipient must still accept). The wait is clamped to at
 * least zero (a date in the past means now) and capped, so a server cannot stall a release for
 * hours with one header. Anything else is no hint at all: the caller backs off as usual.
 */
final class RetryAfterHeader {

  /** The longest wait a server's hint can ask for. */
  static final Duration CAP = Duration.ofSeconds(60);

  private static final Pattern SECONDS = Pattern.compile("\\d+");
  private static final Pattern IMF_FIXDATE =
      Pattern.compile(
          "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) ([A-Z][a-z]{2}) (\\d{4})"
              + " (\\d{2}):(\\d{2}):(\\d{2}) GMT");
  private static final Pattern RFC_850 =
      Pattern.compile(
          "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),"
              + " (\\d{2})-([A-Z][a-z]{2})-(\\d{2}) (\\d{2}):(\\d{2}):(\\d{2}) GMT");
  private static final Pattern ASCTIME =
      Pattern.compile(
          "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ([ \\d]\\d)"
              + " (\\d{2}):(\\d{2}):(\\d{2}) (\\d{4})");
  private static final List<String> MONTHS =
      List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");

  private RetryAfterHeader() {}

  static Optional<Duration> parse(String value, Instant now) {
    if (value == null) {
      return Optional.empty();
    }
    String text = value.trim();
    if (SECONDS.matcher(text).matches()) {
      try {
        return Optional.of(clamp(Duration.ofSeconds(Long.parseLong(text))));
      } catch (NumberFormatException moreThanALongHolds) {
        return Optional.of(CAP); // still "a long time"
      }
    }
    return date(text, now).map(at -> clamp(Duration.between(now, at)));
  }

  private static Duration clamp(Duration wait) {
    return Duration.ofSeconds(Math.max(0, Math.min(wait.getSeconds(), CAP.getSeconds())));
  }

  private static Optional<Instant> date(String text, Instant now) {
    Matcher m = IMF_FIXDATE.matcher(text);
    if (m.matches()) {
      return instant(
          Integer.parseInt(m.group(3)), m.group(2), m.group(1), m.group(4), m.group(5), m.group(6));
    }
    m = RFC_850.matcher(text);
    if (m.matches()) {
      return instant(
          twoDigitYear(Integer.parseInt(m.group(3)), now.atOffset(ZoneOffset.UTC).getYear()),
          m.group(2),
          m.group(1),
          m.group(4),
          m.group(5),
          m.group(6));
    }
    m = ASCTIME.matcher(text);
    if (m.matches()) {
      return instant(
          Integer.parseInt(m.group(6)),
          m.group(1),
          m.group(2).trim(),
          m.group(3),
          m.group(4),
          m.group(5));
    }
    return Optional.empty();
  }

  /** RFC 9110: a two-digit year more than 50 years in the future is in the past century instead. */
  static int twoDigitYear(int yy, int currentYear) {
    int century = currentYear - Math.floorMod(currentYear, 100);
    int year = century + yy;
    return year > currentYear + 50 ? year - 100 : year;
  }

  private static Optional<Instant> instant(
      int year, String month, String day, String hour, String minute, String second) {
    // An unknown month is 0, which LocalDateTime refuses like the 31st of February.
    int monthNumber = MONTHS.indexOf(month) + 1;
    try {
      return Optional.of(
          LocalDateTime.of(
                  year,
                  monthNumber,
                  Integer.parseInt(day),
                  Integer.parseInt(hour),
                  Integer.parseInt(minute),
                  Integer.parseInt(second))
              .toInstant(ZoneOffset.UTC));
    } catch (DateTimeException impossibleDate) {
      return Optional.empty();
    }
  }
}
