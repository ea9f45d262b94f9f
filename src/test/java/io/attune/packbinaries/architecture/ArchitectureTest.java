package io.attune.packbinaries.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import io.attune.packbinaries.PackFailure;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house rules that no single class shows: a goal's JVM is the user's (mvnd and {@code mvn -T}
 * run goals side by side in it), so main code keeps no static mutable state; Maven's types stay in
 * {@code maven/}; and the packages stand on floors without cycles.
 */
class ArchitectureTest {

  private static final String ROOT = "io.attune.packbinaries";

  /** Types whose instances cannot change, so a static final one is a constant. */
  private static final Set<Class<?>> CONSTANT_TYPES =
      Set.of(
          String.class,
          Pattern.class,
          Integer.class,
          Long.class,
          Boolean.class,
          java.time.Duration.class,
          java.math.BigInteger.class,
          java.nio.charset.Charset.class,
          com.google.cloud.tools.jib.api.buildplan.FilePermissions.class);

  /**
   * Shared objects that are safe as constants: Jackson's factories are thread-safe once made, and
   * ours never configures them after its initialiser.
   */
  private static final Set<String> SHARED_THREAD_SAFE =
      Set.of(ROOT + ".io.Json.FACTORY", ROOT + ".io.Json.NODES");

  @Test
  void mainCodeKeepsNoStaticMutableState() throws Exception {
    List<String> mutable = new ArrayList<>();
    for (Class<?> type : mainClasses()) {
      for (Field field : type.getDeclaredFields()) {
        int modifiers = field.getModifiers();
        if (!Modifier.isStatic(modifiers) || field.isSynthetic()) {
          continue;
        }
        String name = type.getName() + "." + field.getName();
        if (!Modifier.isFinal(modifiers)) {
          mutable.add(name + " is static and not final");
          continue;
        }
        field.setAccessible(true);
        Object value = field.get(null);
        if (!isConstant(field.getType(), value) && !SHARED_THREAD_SAFE.contains(name)) {
          mutable.add(name + " holds a " + (value == null ? "null" : value.getClass().getName()));
        }
      }
    }
    assertThat(mutable).as("static fields that can change").isEmpty();
  }

  private static boolean isConstant(Class<?> declared, Object value) {
    if (declared.isPrimitive() || declared.isEnum() || value == null) {
      return true;
    }
    Class<?> type = value.getClass();
    if (CONSTANT_TYPES.contains(type) || type.isEnum() || isOurs(type) && isStateless(type)) {
      return true;
    }
    if (type.isRecord() && isOurs(type)) {
      return isConstantRecord(value);
    }
    // List.of, Set.of, Map.of, Collections.unmodifiable*, and their empty and single forms.
    String name = type.getName();
    return name.startsWith("java.util.ImmutableCollections$")
        || name.startsWith("java.util.Collections$Unmodifiable")
        || name.startsWith("java.util.Collections$Empty")
        || name.startsWith("java.util.Collections$Singleton");
  }

  /** A record of ours whose components are all constants. */
  private static boolean isConstantRecord(Object value) {
    for (var component : value.getClass().getRecordComponents()) {
      try {
        component.getAccessor().setAccessible(true);
        if (!isConstant(component.getType(), component.getAccessor().invoke(value))) {
          return false;
        }
      } catch (ReflectiveOperationException e) {
        return false;
      }
    }
    return true;
  }

  /** A class of ours without instance fields (a stateless strategy, like a silent log). */
  private static boolean isStateless(Class<?> type) {
    for (Class<?> c = type; c != null && isOurs(c); c = c.getSuperclass()) {
      for (Field field : c.getDeclaredFields()) {
        if (!Modifier.isStatic(field.getModifiers())) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean isOurs(Class<?> type) {
    return type.getName().startsWith(ROOT + ".");
  }

  /** What a listening socket is opened with, in the JDK. */
  private static final Pattern LISTENING =
      Pattern.compile(
          "\\b(ServerSocket|ServerSocketChannel|AsynchronousServerSocketChannel|HttpServer"
              + "|SSLServerSocket|DatagramSocket)\\b");

  @Test
  void mainCodeOpensNoListeningSocket() throws Exception {
    Path sources = Path.of("src/main/java");
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        Matcher m = LISTENING.matcher(Files.readString(file));
        while (m.find()) {
          found.add(sources.relativize(file) + " names " + m.group(1));
        }
      }
    }
    assertThat(found).as("a user's build opens no listening socket").isEmpty();
  }

  @Test
  void mavensTypesStayInTheMavenPackage() throws Exception {
    List<String> found = new ArrayList<>();
    imports()
        .forEach(
            (file, imported) ->
                imported.stream()
                    .filter(i -> i.startsWith("org.apache.maven.") || i.startsWith("org.codehaus."))
                    .filter(i -> !packageOf(file).equals("maven"))
                    .forEach(i -> found.add(file + " imports " + i)));
    assertThat(found).isEmpty();
  }

  @Test
  void packagesStandOnFloorsWithoutCycles() throws Exception {
    Map<String, Set<String>> uses = packageUses();
    Map<String, Integer> floors = new TreeMap<>();
    for (String pkg : uses.keySet()) {
      floor(pkg, uses, floors, new ArrayList<>());
    }
    // Printed for the notes: which package imports which, floor by floor.
    Map<Integer, Set<String>> byFloor = new TreeMap<>();
    floors.forEach((pkg, floor) -> byFloor.computeIfAbsent(floor, f -> new TreeSet<>()).add(pkg));
    byFloor.forEach(
        (floor, packages) ->
            packages.forEach(
                pkg -> System.out.println("floor " + floor + ": " + pkg + " -> " + uses.get(pkg))));
    assertThat(uses.get("cargo"))
        .as("cargo/ reads the build record, never supplychain/")
        .doesNotContain("supplychain");
    assertThat(uses.get("audit")).as("audit/ needs nothing of image/").doesNotContain("image");
    assertThat(uses.get("supplychain"))
        .as("supplychain/ needs nothing of image/")
        .doesNotContain("image");
  }

  /** A package's floor: one above the highest it uses; fails on a cycle, naming it. */
  private static int floor(
      String pkg, Map<String, Set<String>> uses, Map<String, Integer> floors, List<String> path) {
    Integer known = floors.get(pkg);
    if (known != null) {
      return known;
    }
    assertThat(path).as("a cycle through " + path + " -> " + pkg).doesNotContain(pkg);
    path.add(pkg);
    int floor = 0;
    for (String used : uses.getOrDefault(pkg, Set.of())) {
      floor = Math.max(floor, floor(used, uses, floors, path) + 1);
    }
    path.remove(path.size() - 1);
    floors.put(pkg, floor);
    return floor;
  }

  /** Each package (the root's classes as "(root)") with the packages of ours it imports. */
  private static Map<String, Set<String>> packageUses() throws Exception {
    Map<String, Set<String>> uses = new TreeMap<>();
    imports()
        .forEach(
            (file, imported) -> {
              String from = packageOf(file);
              Set<String> to = uses.computeIfAbsent(from, p -> new TreeSet<>());
              for (String i : imported) {
                if (i.startsWith(ROOT + ".")) {
                  String rest = i.substring(ROOT.length() + 1);
                  String target =
                      rest.contains(".") && Character.isLowerCase(rest.charAt(0))
                          ? rest.substring(0, rest.indexOf('.'))
                          : "(root)";
                  if (!target.equals(from)) {
                    to.add(target);
                  }
                }
              }
            });
    return uses;
  }

  private static final Pattern IMPORT =
      Pattern.compile("(?m)^import (?:static )?([\\w.]+)(?:\\.\\*)?;");

  /** Each main source file (relative to the root package) with what it imports. */
  private static Map<String, List<String>> imports() throws Exception {
    Path sources = Path.of("src/main/java/io/attune/packbinaries");
    Map<String, List<String>> result = new TreeMap<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        List<String> imported = new ArrayList<>();
        Matcher m = IMPORT.matcher(Files.readString(file));
        while (m.find()) {
          imported.add(m.group(1));
        }
        result.put(sources.relativize(file).toString().replace('\\', '/'), imported);
      }
    }
    assertThat(result).as("main sources under " + sources.toAbsolutePath()).isNotEmpty();
    return result;
  }

  private static String packageOf(String relativeFile) {
    int slash = relativeFile.indexOf('/');
    return slash < 0 ? "(root)" : relativeFile.substring(0, slash);
  }

  /** Every class compiled from main, loaded without running its static initialiser twice. */
  private static List<Class<?>> mainClasses() throws Exception {
    Path classes = mainClassesDirectory();
    List<Class<?>> result = new ArrayList<>();
    Set<String> names = new HashSet<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
        String relative = classes.relativize(file).toString().replace('\\', '/');
        names.add(relative.substring(0, relative.length() - ".class".length()).replace('/', '.'));
      }
    }
    for (String name : new TreeSet<>(names)) {
      if (name.endsWith("package-info") || name.endsWith("module-info")) {
        continue;
      }
      result.add(Class.forName(name, true, ArchitectureTest.class.getClassLoader()));
    }
    assertThat(result).as("classes in " + classes).hasSizeGreaterThan(50);
    return result;
  }

  private static Path mainClassesDirectory() throws URISyntaxException {
    return Path.of(PackFailure.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
