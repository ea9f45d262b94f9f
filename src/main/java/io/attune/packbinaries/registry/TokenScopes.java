package io.attune.packbinaries.registry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The token scopes one client has needed so far ({@code repository:NAME:pull,push}), merged per
 * resource. Each Bearer challenge names what its request needs (a cross-repository mount adds
 * {@code repository:FROM:pull}); asking for everything needed so far keeps one token valid for
 * every later request instead of trading a push token for a pull token and back.
 */
final class TokenScopes {

  private final Map<String, Set<String>> actionsByResource = new LinkedHashMap<>();

  /** Adds a challenge's {@code scope} parameter: space-separated {@code type:name:actions}. */
  synchronized void add(String scopeParameter) {
    if (scopeParameter == null) {
      return;
    }
    for (String scope : scopeParameter.trim().split("\\s+")) {
      int lastColon = scope.lastIndexOf(':');
      if (lastColon <= 0) {
        continue;
      }
      Set<String> actions =
          actionsByResource.computeIfAbsent(
              scope.substring(0, lastColon), r -> new LinkedHashSet<>());
      for (String action : scope.substring(lastColon + 1).split(",")) {
        if (!action.isBlank()) {
          actions.add(action.trim());
        }
      }
    }
  }

  synchronized boolean isEmpty() {
    return actionsByResource.isEmpty();
  }

  /** One {@code type:name:a,b} per resource, in the order first needed. */
  synchronized List<String> asList() {
    List<String> list = new ArrayList<>();
    actionsByResource.forEach(
        (resource, actions) -> list.add(resource + ":" + String.join(",", actions)));
    return list;
  }
}
