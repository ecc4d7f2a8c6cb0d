package dev.ordo.sequencer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateDirectoriesTest {
  @TempDir
  Path dir;

  @Test
  void everyDirectoryItCreatesIsOwnerOnlyAndAnExistingOneKeepsItsPermissions() throws Exception {
    Set<PosixFilePermission> shared = PosixFilePermissions.fromString("rwxr-xr-x");
    Path existing = Files.createDirectories(dir.resolve("existing"));
    Files.setPosixFilePermissions(existing, shared);
    Path leaf = PrivateDirectories.create(existing.resolve("data/log"));
    assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(leaf));
    assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(leaf.getParent()));
    assertEquals(shared, Files.getPosixFilePermissions(existing));
    assertEquals(leaf, PrivateDirectories.create(leaf)); // idempotent
  }
}
