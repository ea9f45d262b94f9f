package io.attune.packbinaries.maven;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The plugin descriptor maven-plugin-plugin writes (at process-classes, before the tests) is what
 * the goal pages, {@code pack-binaries:help -Ddetail} and IDEs show: every goal and every parameter
 * a user can set has a description.
 */
class PluginDescriptorTest {

  private static final Path DESCRIPTOR = Path.of("target/classes/META-INF/maven/plugin.xml");

  @Test
  void everyGoalAndSettableParameterHasADescription() throws Exception {
    assertThat(DESCRIPTOR).exists();
    var factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    var document = factory.newDocumentBuilder().parse(Files.newInputStream(DESCRIPTOR));
    NodeList mojos = document.getElementsByTagName("mojo");
    List<String> undocumented = new ArrayList<>();
    int parameters = 0;
    for (int i = 0; i < mojos.getLength(); i++) {
      Element mojo = (Element) mojos.item(i);
      String goal = child(mojo, "goal");
      if (child(mojo, "description").isBlank()) {
        undocumented.add(goal);
      }
      NodeList list = mojo.getElementsByTagName("parameter");
      for (int j = 0; j < list.getLength(); j++) {
        Element parameter = (Element) list.item(j);
        if ("false".equals(child(parameter, "editable"))) {
          continue; // ${project}, ${session}: injected by Maven, not a user's setting
        }
        parameters++;
        if (child(parameter, "description").isBlank()) {
          undocumented.add(goal + ": " + child(parameter, "name"));
        }
      }
    }
    assertThat(mojos.getLength()).as("goals").isGreaterThanOrEqualTo(6);
    assertThat(parameters).as("settable parameters").isGreaterThan(20);
    assertThat(undocumented).as("goals and parameters without a description").isEmpty();
  }

  /**
   * The audit reads a published image and needs no project: its page lists what it uses, not the
   * build's target triples, the container engine or the push's tags.
   */
  @Test
  void theAuditGoalHasOnlyTheParametersItUses() throws Exception {
    assertThat(settableParameters("audit"))
        .containsExactlyInAnyOrder(
            "skip",
            "outputDirectory",
            "allowInsecureRegistries",
            "sendCredentialsOverHttp",
            "image",
            "retries",
            "retryTimeout",
            "publicKey");
    assertThat(settableParameters("build")).contains("target", "targets", "containerEngine");
    assertThat(settableParameters("image")).contains("containerEngine");
    assertThat(settableParameters("push")).contains("tags", "image");
    assertThat(settableParameters("index")).contains("tags", "image");
  }

  private static List<String> settableParameters(String goal) throws Exception {
    var factory = DocumentBuilderFactory.newInstance();
    factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
    var document = factory.newDocumentBuilder().parse(Files.newInputStream(DESCRIPTOR));
    NodeList mojos = document.getElementsByTagName("mojo");
    for (int i = 0; i < mojos.getLength(); i++) {
      Element mojo = (Element) mojos.item(i);
      if (!goal.equals(child(mojo, "goal"))) {
        continue;
      }
      List<String> names = new ArrayList<>();
      NodeList list = mojo.getElementsByTagName("parameter");
      for (int j = 0; j < list.getLength(); j++) {
        Element parameter = (Element) list.item(j);
        if (!"false".equals(child(parameter, "editable"))) {
          names.add(child(parameter, "name"));
        }
      }
      return names;
    }
    throw new AssertionError("no goal " + goal + " in " + DESCRIPTOR);
  }

  private static String child(Element element, String name) {
    for (var node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
      if (node instanceof Element e && e.getTagName().equals(name)) {
        return e.getTextContent().trim();
      }
    }
    return "";
  }
}
