package io.attune.packbinaries.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.attune.packbinaries.io.Json;
import io.attune.packbinaries.io.Shown;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns an unexpected answer into a {@link RegistryException} the user can read: the status, the
 * step, the registry's own {@code errors} list from at most 64 KiB of body, and its {@code
 * Retry-After} for {@link Retry}.
 */
final class RegistryErrors {

  private final String registry;
  private final String repository;

  RegistryErrors(String registry, String repository) {
    this.registry = registry;
    this.repository = repository;
  }

  /** True on 200, false on 404, else the error; the body is closed either way. */
  boolean exists(HttpResponse<InputStream> response, String what) throws IOException {
    int status = response.statusCode();
    if (status == 200 || status == 404) {
      BoundedBody.discard(response);
      return status == 200;
    }
    throw error(response, what);
  }

  /** The error unless the status is {@code expected}; the body is left for the caller then. */
  void expect(HttpResponse<InputStream> response, int expected, String what) throws IOException {
    if (response.statusCode() != expected) {
      throw error(response, what);
    }
  }

  /** Reads at most 64 KiB of the body and closes it. */
  RegistryException error(HttpResponse<InputStream> response, String what) throws IOException {
    int status = response.statusCode();
    StringBuilder message =
        new StringBuilder("HTTP ")
            .append(status)
            .append(" from ")
            .append(registry)
            .append(" ")
            .append(what)
            .append(" in ")
            .append(repository);
    BoundedBody.Prefix body = BoundedBody.prefix(response, BoundedBody.ERROR_LIMIT);
    String text = new String(body.bytes(), StandardCharsets.UTF_8);
    Set<String> codes = Set.of();
    if (body.truncated()) {
      message
          .append(" (its error body at ")
          .append(response.uri())
          .append(" is over ")
          .append(BoundedBody.describe(BoundedBody.ERROR_LIMIT))
          .append(", read no further)");
    } else if (!text.isBlank()) {
      message.append(": ").append(registryErrors(text));
      codes = codes(text);
    }
    Duration retryAfter =
        RetryAfterHeader.parse(
                response.headers().firstValue("Retry-After").orElse(null), Instant.now())
            .orElse(null);
    return new RegistryException(status, message.toString(), retryAfter, codes);
  }

  /** The codes of the registry's {"errors":[{"code"}]}, at most the first 16; none if not JSON. */
  static Set<String> codes(String body) {
    Set<String> codes = new TreeSet<>();
    try {
      for (JsonNode error : Json.parse(body).path("errors")) {
        String code = error.path("code").asText("");
        if (codes.size() < 16 && code.matches("[A-Z_]{1,64}")) {
          codes.add(code);
        }
      }
    } catch (IOException notJson) {
      // no codes
    }
    return codes;
  }

  /** The registry's {"errors":[{"code","message"}]} as one line, or the first 200 characters. */
  static String registryErrors(String body) {
    try {
      JsonNode errors = Json.parse(body).path("errors");
      if (errors.isArray() && !errors.isEmpty()) {
        StringBuilder text = new StringBuilder();
        for (JsonNode error : errors) {
          text.append(text.isEmpty() ? "" : "; ")
              .append(error.path("code").asText())
              .append(" ")
              .append(error.path("message").asText());
        }
        return text.toString();
      }
    } catch (IOException notJson) {
      // fall through to the raw text
    }
    String trimmed = body.strip();
    return Shown.cut(trimmed, 200);
  }
}
