package io.attune.packbinaries.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.attune.packbinaries.PackFailure;
import io.attune.packbinaries.audit.PlatformFiles.Change;
import io.attune.packbinaries.audit.PlatformFiles.Directory;
import io.attune.packbinaries.audit.PlatformFiles.File;
import io.attune.packbinaries.audit.PlatformFiles.HardLink;
import io.attune.packbinaries.audit.PlatformFiles.Opaque;
import io.attune.packbinaries.audit.PlatformFiles.Special;
import io.attune.packbinaries.audit.PlatformFiles.SymbolicLink;
import io.attune.packbinaries.audit.PlatformFiles.Whiteout;
import io.attune.packbinaries.elf.ElfFacts;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Layers over layers as the container runtime stacks them: whiteouts, opaque directories, links,
 * each entry in its layer's order.
 */
class PlatformFilesTest {

  private static final String S = "/pack-binaries/core/sensors/";

  private static AuditedBinary binary(String path, String sha256) {
    return new AuditedBinary(
        path,
        "sha256:l",
        1,
        sha256,
        null,
        "t",
        new ElfFacts("EXEC", "x86-64", false, null, List.of(), false, null),
        sha256.startsWith("dyn") ? "fail" : "pass",
        List.of(),
        List.of());
  }

  private static File file(String path, String sha256) {
    return new File(path.substring(1), path, binary(path, sha256), null);
  }

  private static PlatformFiles apply(List<List<Change>> layers) throws PackFailure {
    PlatformFiles files = new PlatformFiles(100);
    int n = 0;
    for (List<Change> layer : layers) {
      files.beginLayer("sha256:" + n, "layer " + ++n);
      for (Change change : layer) {
        files.apply(change);
      }
    }
    return files;
  }

  private static Map<String, String> sha256s(PlatformFiles files) {
    Map<String, String> byPath = new LinkedHashMap<>();
    files.binaries().forEach(b -> byPath.put(b.path(), b.sha256()));
    return byPath;
  }

  @Test
  void aHardLinkTakesItsTargetAsItIsAtTheLinkEntry() throws Exception {
    // The layer: helper (dynamic), the sensor as a hard link to it, helper again (static).
    PlatformFiles files =
        apply(
            List.of(
                List.of(
                    file(S + "helper", "dynamic"),
                    new HardLink("s", S + "attune-core-timer-sensor", S + "helper"),
                    file(S + "helper", "static"))));

    assertThat(sha256s(files))
        .containsEntry(S + "attune-core-timer-sensor", "dynamic")
        .containsEntry(S + "helper", "static");
    assertThat(files.binaries())
        .filteredOn(b -> b.path().endsWith("sensor"))
        .singleElement()
        .extracting(AuditedBinary::verdict)
        .isEqualTo("fail");
  }

  @Test
  void aHardLinkToALowerLayersFileAndToANonElfFile() throws Exception {
    PlatformFiles files =
        apply(
            List.of(
                List.of(file(S + "a", "aa"), new File("y", S + "pack.yaml", null, "not ELF")),
                List.of(
                    new HardLink("b", S + "b", S + "a"),
                    new HardLink("c", S + "c", S + "pack.yaml"))));

    assertThat(sha256s(files)).containsEntry(S + "b", "aa");
    assertThat(files.skipped()).containsEntry(S + "c", "hard link to " + S + "pack.yaml, not ELF");
  }

  @Test
  void aHardLinkOutsideTheRootFailsAndOneToNothingIsRefused() throws Exception {
    PlatformFiles files = apply(List.of(List.of(new HardLink("ls", S + "ls", "/bin/ls"))));
    assertThat(files.binaries())
        .singleElement()
        .satisfies(
            b ->
                assertThat(b.reasons())
                    .singleElement()
                    .asString()
                    .contains("is a hard link to /bin/ls, a file the audit does not read"));

    assertThatThrownBy(() -> apply(List.of(List.of(new HardLink("x", S + "x", S + "missing")))))
        .isInstanceOf(PackFailure.class)
        .hasMessageContaining(
            "layer 1: the entry 'x' is a hard link to " + S + "missing, which does" + " not exist");
    assertThatThrownBy(
            () ->
                apply(
                    List.of(
                        List.of(new Directory("d", S + "d"), new HardLink("x", S + "x", S + "d")))))
        .hasMessageContaining("which is a directory");
    // A link to itself: the extractor removes the path first, then links to nothing.
    assertThatThrownBy(
            () -> apply(List.of(List.of(file(S + "x", "aa"), new HardLink("x", S + "x", S + "x")))))
        .hasMessageContaining("does not exist");
  }

  @Test
  void aSymbolicLinkAtTheRootIsRefusedNamingTheLayerAndTheEntry() {
    // The layer: pack-binaries -> opt/evil, a static file through it, a dynamic one at
    // the link's target.
    assertThatThrownBy(
            () ->
                apply(
                    List.of(
                        List.of(
                            new SymbolicLink("pack-binaries", "/pack-binaries", "opt/evil"),
                            file(S + "s", "static"),
                            new File("o", "/opt/evil/core/sensors/s", null, "outside")))))
        .isInstanceOf(PackFailure.class)
        .hasMessage(
            "layer 1: the entry 'pack-binaries' is a symbolic link (to 'opt/evil'); the audit"
                + " follows no link at or under /pack-binaries, where an extractor would write what"
                + " comes after it elsewhere. The audit refuses the image; build it with plain"
                + " directories and files under /pack-binaries/.");
  }

  @Test
  void aSymbolicLinkElsewhereThatLeadsIntoTheRootIsRefusedWhenAnEntryGoesThroughIt()
      throws Exception {
    // Harmless while nothing goes through it.
    PlatformFiles files =
        apply(
            List.of(
                List.of(
                    file(S + "s", "static"),
                    new SymbolicLink(
                        "usr/bin/s", "/usr/bin/s", "../../pack-binaries/core/sensors/s"),
                    new SymbolicLink("opt/l", "/opt/l", "../pack-binaries/core"))));
    assertThat(sha256s(files)).containsOnly(Map.entry(S + "s", "static"));

    assertThatThrownBy(
            () ->
                apply(
                    List.of(
                        List.of(new SymbolicLink("opt/l", "/opt/l", "/x")),
                        List.of(
                            new SymbolicLink("x", "/x", "a/../pack-binaries"),
                            new File("opt/l/core/sensors/s", "/opt/l/core/sensors/s", null, "o")))))
        .hasMessageContaining(
            "layer 2: the entry 'opt/l/core/sensors/s' reaches /pack-binaries through a symbolic"
                + " link outside it");
  }

  @Test
  void aSymbolicLinkRemovedOrReplacedIsNoLongerFollowed() throws Exception {
    PlatformFiles files =
        apply(
            List.of(
                List.of(
                    new SymbolicLink("a", "/a", "/pack-binaries"),
                    new SymbolicLink("b", "/b", "/pack-binaries")),
                List.of(new Whiteout("a", "/a"), new Directory("b", "/b")),
                List.of(
                    new File("a/core/x", "/a/core/x", null, "o"),
                    new File("b/core/x", "/b/core/x", null, "o"))));
    assertThat(files.binaries()).isEmpty();
  }

  @Test
  void theRootOrSlashThatIsNotADirectoryIsRefused() {
    assertThatThrownBy(() -> apply(List.of(List.of(file("/pack-binaries", "aa")))))
        .hasMessageContaining("makes /pack-binaries something other than a directory");
    assertThatThrownBy(() -> apply(List.of(List.of(new Special("./", "/")))))
        .hasMessageContaining("makes / something other than a directory");
    assertThatThrownBy(() -> apply(List.of(List.of(file(S + "f", "aa"), file(S + "f/g", "bb")))))
        .hasMessageContaining("is under " + S + "f, which is not a directory");
  }

  @Test
  void anOpaqueDirectoryHidesTheLowerLayersFilesButNotItsOwn() throws Exception {
    PlatformFiles files =
        apply(
            List.of(
                List.of(file("/pack-binaries/a/old", "1"), file("/pack-binaries/b/kept", "2")),
                List.of(
                    new Directory("a", "/pack-binaries/a"),
                    new Opaque("a/.wh..wh..opq", "/pack-binaries/a"),
                    file("/pack-binaries/a/new", "3"))));

    assertThat(sha256s(files)).containsOnlyKeys("/pack-binaries/a/new", "/pack-binaries/b/kept");
  }

  @Test
  void anOpaqueRootOfTheImageHidesEverythingBelow() throws Exception {
    PlatformFiles files =
        apply(List.of(List.of(file(S + "a", "1")), List.of(new Opaque(".wh..wh..opq", "/"))));
    assertThat(files.binaries()).isEmpty();
  }

  @Test
  void aWhiteoutOfADirectoryRemovesEverythingUnderItAndNothingBeside() throws Exception {
    PlatformFiles files =
        apply(
            List.of(
                List.of(file(S + "s", "1"), file("/pack-binaries/core-x/s", "2")),
                List.of(new Whiteout(".wh.core", "/pack-binaries/core"))));

    assertThat(sha256s(files)).containsOnlyKeys("/pack-binaries/core-x/s");
  }

  @Test
  void aWhiteoutOfTheRootRemovesItAll() throws Exception {
    PlatformFiles files =
        apply(
            List.of(
                List.of(file(S + "s", "1")),
                List.of(new Whiteout(".wh.pack-binaries", "/pack-binaries"), file(S + "t", "2"))));
    assertThat(sha256s(files)).containsOnlyKeys(S + "t");
  }

  @Test
  void aWhiteoutOrMarkerAfterItsOwnLayersEntryIsRefused() {
    assertThatThrownBy(
            () -> apply(List.of(List.of(file(S + "s", "1"), new Whiteout(".wh.s", S + "s")))))
        .hasMessageContaining("follows " + S + "s of the same layer");
    assertThatThrownBy(
            () ->
                apply(
                    List.of(
                        List.of(
                            file(S + "s", "1"), new Whiteout(".wh.core", "/pack-binaries/core")))))
        .hasMessageContaining("follows " + S + "s of the same layer");
    assertThatThrownBy(
            () ->
                apply(
                    List.of(
                        List.of(file(S + "s", "1"), new Opaque(".wh..wh..opq", "/pack-binaries")))))
        .hasMessageContaining("follows " + S + "s of the same layer");
    assertThatThrownBy(() -> apply(List.of(List.of(new Whiteout(".wh..", S + ".")))))
        .hasMessageContaining("is a whiteout of no name");
  }

  @Test
  void aFileOverADirectoryReplacesItAndADirectoryOverADirectoryMerges() throws Exception {
    PlatformFiles files =
        apply(
            List.of(
                List.of(file(S + "d/x", "1"), file(S + "e/y", "2")),
                List.of(file(S + "d", "3"), new Directory("e", S + "e"))));
    assertThat(sha256s(files)).containsOnlyKeys(S + "d", S + "e/y");
  }

  @Test
  void tooManySymbolicLinksAreRefused() {
    PlatformFiles files = new PlatformFiles(2);
    files.beginLayer("sha256:1", "layer 1");
    assertThatThrownBy(
            () -> {
              for (int i = 0; i < 3; i++) {
                files.apply(new SymbolicLink("l" + i, "/l" + i, "/bin/busybox"));
              }
            })
        .hasMessageContaining("is one symbolic link more than the 2 the audit follows");
  }

  @Test
  void aLoopOfSymbolicLinksIsRefused() {
    assertThatThrownBy(
            () ->
                apply(
                    List.of(
                        List.of(
                            new SymbolicLink("a", "/a", "/b"),
                            new SymbolicLink("b", "/b", "/a"),
                            new File("a/x", "/a/x", null, "o")))))
        .hasMessageContaining("goes through more than 255 symbolic links");
  }

  @Test
  void aHardLinkThroughASymbolicLinkOrALoopIsRefused() {
    assertThatThrownBy(
            () ->
                apply(
                    List.of(
                        List.of(
                            file(S + "s", "1"),
                            new SymbolicLink("l", "/l", "pack-binaries"),
                            new HardLink("x", S + "x", "/l/core/sensors/s")))))
        .hasMessageContaining(
            "is a hard link whose target '/l/core/sensors/s' goes through the symbolic link /l;");
    assertThatThrownBy(
            () ->
                apply(
                    List.of(
                        List.of(
                            new SymbolicLink("a", "/a", "b"),
                            new SymbolicLink("b", "/b", "a"),
                            new HardLink("x", S + "x", "/a/s")))))
        .hasMessageContaining("is a hard link through more than 255 symbolic links");
  }

  @Test
  void whiteoutsAndMarkersThroughASymbolicLinkIntoTheRootAreRefused() {
    List<Change> link = List.of(new SymbolicLink("l", "/l", "/pack-binaries"));
    assertThatThrownBy(() -> apply(List.of(link, List.of(new Whiteout("l/.wh.s", "/l/s")))))
        .hasMessageContaining(
            "layer 2: the entry 'l/.wh.s' reaches /pack-binaries through a symbolic link");
    assertThatThrownBy(() -> apply(List.of(link, List.of(new Opaque("l/.wh..wh..opq", "/l")))))
        .hasMessageContaining(
            "layer 2: the entry 'l/.wh..wh..opq' reaches /pack-binaries through a symbolic link");
    assertThatThrownBy(() -> apply(List.of(link, List.of(new Whiteout(".wh..wh.s", S + ".wh.s")))))
        .hasMessageContaining("is a whiteout of a whiteout");
    for (String name : new String[] {"", ".", ".."}) {
      assertThatThrownBy(() -> apply(List.of(List.of(new Whiteout("w", S + name)))))
          .hasMessageContaining("is a whiteout of no name");
    }
    assertThatThrownBy(
            () ->
                apply(
                    List.of(
                        List.of(file(S + "f", "1")),
                        List.of(new Opaque("f/.wh..wh..opq", S + "f")))))
        .hasMessageContaining("is under " + S + "f, which is not a directory");
  }

  @Test
  void aWhiteoutOutsideTheRootRemovesSymbolicLinksButNotItsOwnLayers() throws Exception {
    PlatformFiles files =
        apply(
            List.of(
                List.of(new SymbolicLink("o/l", "/o/l", "/pack-binaries")),
                List.of(new Whiteout("o/.wh.l", "/o/l"), new File("f", "/o/l/core/f", null, "o"))));
    assertThat(files.binaries()).isEmpty();
    assertThatThrownBy(
            () ->
                apply(
                    List.of(
                        List.of(
                            new SymbolicLink("o/l", "/o/l", "/pack-binaries"),
                            new Whiteout("o/.wh.l", "/o/l")))))
        .hasMessageContaining("follows the symbolic link /o/l of the same layer");
    assertThatThrownBy(
            () ->
                apply(
                    List.of(
                        List.of(
                            new SymbolicLink("o/l", "/o/l", "/pack-binaries"),
                            new Opaque("o/.wh..wh..opq", "/o")))))
        .hasMessageContaining("follows the symbolic link /o/l of the same layer");
  }

  @Test
  void whatReplacesASymbolicLinkOrItsDirectoryEndsIt() throws Exception {
    PlatformFiles files =
        apply(
            List.of(
                List.of(
                    new Directory("o", "/o"),
                    new SymbolicLink("o/l", "/o/l", "/pack-binaries"),
                    new SymbolicLink("o/m", "/o/m", "/pack-binaries"),
                    new SymbolicLink("p", "/p", "/pack-binaries")),
                List.of(new File("o", "/o", null, "o"), new SymbolicLink("p", "/p", "/elsewhere")),
                List.of(
                    new Directory("o", "/o"),
                    new File("l", "/o/l/core/f", null, "o"),
                    new File("m", "/o/m/core/f", null, "o"),
                    new File("q", "/p/core/f", null, "o"))));
    assertThat(files.binaries()).isEmpty();

    // A symbolic link over a directory ends the links that were under it.
    PlatformFiles over =
        apply(
            List.of(
                List.of(new SymbolicLink("o/x/l", "/o/x/l", "/pack-binaries")),
                List.of(
                    new SymbolicLink("o/x", "/o/x", "/elsewhere"),
                    new File("f", "/elsewhere/l/f", null, "o"))));
    assertThat(over.binaries()).isEmpty();
  }

  @Test
  void aSymbolicLinkReplacedAtTheCapIsNoneMore() throws Exception {
    PlatformFiles files = new PlatformFiles(1);
    files.beginLayer("sha256:1", "layer 1");
    files.apply(new SymbolicLink("l", "/l", "/a"));
    files.apply(new SymbolicLink("l", "/l", "/b"));
    files.apply(new Directory("d", "/l/d"));
    assertThat(files.binaries()).isEmpty();
  }

  @Test
  void linksAreFollowedWithDotsAndDotDotsAsAnExtractorFollowsThem() {
    for (String target :
        new String[] {"./../pack-binaries/.", "/x/../../pack-binaries", "../..//pack-binaries"}) {
      assertThatThrownBy(
              () ->
                  apply(
                      List.of(
                          List.of(
                              new SymbolicLink("o/l", "/o/l", target),
                              new File("f", "/o/l/core/f", null, "o")))))
          .as(target)
          .hasMessageContaining("reaches /pack-binaries through a symbolic link outside it");
    }
  }

  @Test
  void aWhiteoutMakesItsDirectoryAsAnExtractorDoes() {
    // containerd creates the whiteout's parent: a hard link to it links to a directory.
    assertThatThrownBy(
            () ->
                apply(
                    List.of(
                        List.of(
                            new Whiteout("n/.wh.x", "/pack-binaries/n/x"),
                            new HardLink("h", S + "h", "/pack-binaries/n")))))
        .hasMessageContaining("which is a directory");
    assertThatThrownBy(
            () ->
                apply(
                    List.of(
                        List.of(
                            new Opaque("n/.wh..wh..opq", "/pack-binaries/n"),
                            new HardLink("h", S + "h", "/pack-binaries/n")))))
        .hasMessageContaining("which is a directory");
  }

  @Test
  void specialFilesAndNonElfFilesAreListedAsSkippedInPathOrder() throws Exception {
    PlatformFiles files =
        apply(
            List.of(
                List.of(
                    new Special("p", S + "pipe"),
                    new File("y", S + "pack.yaml", null, "not ELF"),
                    file(S + "b", "2"),
                    file(S + "a", "1"),
                    new Directory("./", "/"),
                    new Directory("d", S + "d"),
                    new Directory("d", S + "d"))));
    assertThat(files.skipped())
        .containsExactly(
            Map.entry(S + "pack.yaml", "not ELF"), Map.entry(S + "pipe", "not a regular file"));
    assertThat(files.binaries()).extracting(AuditedBinary::path).containsExactly(S + "a", S + "b");
    assertThat(PlatformFiles.parent("/x")).isEqualTo("/");
    assertThat(PlatformFiles.parent("/x/y")).isEqualTo("/x");
    assertThat(PlatformFiles.inRoot("/pack-binariesx")).isFalse();
    assertThat(new PlatformFiles().binaries()).isEmpty();
  }

  @Test
  void anOpaqueRootRemovesTheLowerLayersFilesAndNotTheLinksOutsideIt() throws Exception {
    List<Change> lower = List.of(file(S + "a", "1"), new SymbolicLink("l", "/l", "/pack-binaries"));
    PlatformFiles files =
        apply(
            List.of(
                lower, List.of(new Opaque(".wh..wh..opq", "/pack-binaries"), file(S + "b", "2"))));
    assertThat(sha256s(files)).containsOnlyKeys(S + "b");
    assertThatThrownBy(
            () ->
                apply(
                    List.of(
                        lower,
                        List.of(
                            new Opaque(".wh..wh..opq", "/pack-binaries"),
                            new File("l/x", "/l/x", null, "o")))))
        .hasMessageContaining("reaches /pack-binaries through a symbolic link outside it");
  }

  @Test
  void aDirectoryAtTheRootIsTheRootAndADirectoryOverAFileReplacesIt() throws Exception {
    PlatformFiles files =
        apply(
            List.of(
                List.of(new Directory("pack-binaries/", "/pack-binaries"), file(S + "d", "1")),
                List.of(new Directory("d", S + "d"), file(S + "e", "2"))));
    assertThat(sha256s(files)).containsOnlyKeys(S + "e");
    // The gate's verdict wins over a reason to skip, should a change carry both.
    PlatformFiles both =
        apply(List.of(List.of(new File("b", S + "b", binary(S + "b", "1"), "not ELF"))));
    assertThat(both.skipped()).isEmpty();
  }

  @Test
  void symbolicLinksUnderADirectoryOutlastTheDirectoryAgainButNotALinkOverIt() throws Exception {
    List<Change> lower =
        List.of(new Directory("o", "/o"), new SymbolicLink("o/l", "/o/l", "/pack-binaries"));
    // The same directory again keeps the link under it.
    assertThatThrownBy(
            () ->
                apply(
                    List.of(
                        lower,
                        List.of(new Directory("o", "/o"), new File("f", "/o/l/f", null, "o")))))
        .hasMessageContaining("reaches /pack-binaries through a symbolic link outside it");
    // A link over the directory ends the link under it, even once a directory is back.
    PlatformFiles files =
        apply(
            List.of(
                lower,
                List.of(new SymbolicLink("o", "/o", "/elsewhere")),
                List.of(new Directory("o", "/o"), new File("f", "/o/l/f", null, "o"))));
    assertThat(files.binaries()).isEmpty();
  }

  @Test
  void aWhiteoutInTheRootAppliesAndOneOutsideLeavesTheRootAlone() throws Exception {
    PlatformFiles files =
        apply(
            List.of(
                List.of(file(S + "a", "1"), file(S + "b", "2"), file("/pack-binaries/c", "3")),
                List.of(
                    new Whiteout("a", S + "a"),
                    new Whiteout("o", "/opt/b"),
                    new Whiteout("p", "/pack-binariesc"))));
    assertThat(sha256s(files)).containsOnlyKeys(S + "b", "/pack-binaries/c");
  }
}
