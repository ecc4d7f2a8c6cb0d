package dev.ordo.sequencer;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Creates the directories Ordo keeps its log and replicas in: readable by their owner only (0700 where the file
 * system has POSIX permissions), since they hold every statement and parameter in plain text. Directories that
 * exist already keep the permissions an operator gave them.
 */
public final class PrivateDirectories {
  private PrivateDirectories() {}

  /** {@link Files#createDirectories}, each directory it creates owner-only. */
  public static Path create(Path dir) throws IOException {
    if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return Files.createDirectories(dir);
    }
    FileAttribute<?> ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    return Files.createDirectories(dir, ownerOnly);
  }
}
