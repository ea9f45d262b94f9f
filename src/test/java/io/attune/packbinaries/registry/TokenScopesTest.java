package io.attune.packbinaries.registry;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TokenScopesTest {

  @Test
  void mergesTheActionsEachChallengeAsksForPerResource() {
    TokenScopes scopes = new TokenScopes();

    scopes.add("repository:attune/init:pull");
    scopes.add("repository:attune/init:pull,push repository:attune/init-arm64:pull");
    scopes.add(null);

    assertThat(scopes.asList())
        .containsExactly("repository:attune/init:pull,push", "repository:attune/init-arm64:pull");
  }

  @Test
  void keepsTheColonOfARegistryHostInTheResourceName() {
    TokenScopes scopes = new TokenScopes();

    scopes.add("repository:registry.example.com:5000/attune/init:push");

    assertThat(scopes.asList())
        .containsExactly("repository:registry.example.com:5000/attune/init:push");
  }

  @Test
  void skipsScopesWithoutAResourceAndBlankActions() {
    TokenScopes scopes = new TokenScopes();

    scopes.add(":pull");
    scopes.add("pull");
    assertThat(scopes.isEmpty()).isTrue();

    scopes.add("  repository:a:pull,,push  ");
    assertThat(scopes.isEmpty()).isFalse();
    assertThat(scopes.asList()).containsExactly("repository:a:pull,push");
  }

  @Test
  void skipsScopesWithoutActionsOrResourceAndBlankActions() {
    TokenScopes scopes = new TokenScopes();
    assertThat(scopes.isEmpty()).isTrue();

    scopes.add("  ");
    scopes.add("nocolon :pull");
    assertThat(scopes.isEmpty()).isTrue();
    assertThat(scopes.asList()).isEmpty();

    scopes.add("  repository:a:pull,,\u001f,push\u001f  ");
    scopes.add("repository:a:pull");

    assertThat(scopes.isEmpty()).isFalse();
    assertThat(scopes.asList()).containsExactly("repository:a:pull,push");
  }

  @Test
  void aScopeWithAnEmptyActionListKeepsItsResource() {
    TokenScopes scopes = new TokenScopes();
    scopes.add("repository:a:");
    assertThat(scopes.asList()).containsExactly("repository:a:");
  }
}
