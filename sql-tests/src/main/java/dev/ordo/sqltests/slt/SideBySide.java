package dev.ordo.sqltests.slt;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs test files through Ordo and on the backend directly, one file at a
 * time (backend first), and compares them record by record. Either side may
 * be left out; then there is nothing to compare and only that side's counts
 * are reported.
 */
public final class SideBySide implements AutoCloseable {
  /** Which sides run. */
  public enum Sides { BOTH, ORDO, BARE }

  /** Told about each file as the run goes. */
  public interface Listener {
    /** File {@code number} of {@code total} is about to run. */
    default void starting(int number, int total, String file) {}

    /** A file has run on the sides that run. */
    default void finished(FileResult result) {}
  }

  /**
   * One file's runs and how they differ.
   *
   * @param file the file
   * @param ordo its run through Ordo, or null if that side does not run
   * @param bare its run on the backend directly, or null if that side does not run
   * @param differences records that did not do the same on both sides
   */
  public record FileResult(String file, FileRun ordo, FileRun bare, List<Difference> differences) {
    public FileResult {
      differences = List.copyOf(differences);
    }
  }

  private final Backend backend;
  private final OrdoSide ordo;
  private final BareSide bare;

  private SideBySide(Backend backend, OrdoSide ordo, BareSide bare) {
    this.backend = backend;
    this.ordo = ordo;
    this.bare = bare;
  }

  /**
   * Starts the backend and the sides asked for, with their files under {@code dir}.
   *
   * @param replicas the Ordo node's replica count
   * @param compareReplicas compare the replicas' contents after every file
   */
  public static SideBySide start(Backend.Kind kind, Path dir, Sides sides, int replicas, boolean compareReplicas)
      throws Exception {
    Backend backend = kind.open(dir.resolve(kind.label()));
    try {
      OrdoSide o = sides == Sides.BARE ? null : OrdoSide.start(backend, dir.resolve("ordo"), replicas,
          compareReplicas);
      return new SideBySide(backend, o, sides == Sides.ORDO ? null : new BareSide(backend));
    } catch (Exception | Error e) {
      backend.close();
      throw e;
    }
  }

  public Backend backend() {
    return backend;
  }

  /** The Ordo side, or null when it does not run. */
  public OrdoSide ordo() {
    return ordo;
  }

  /** The backend's name ({@code h2}, {@code postgresql}). */
  public String bareName() {
    return backend.kind().label();
  }

  /** Runs {@code files} in order, telling {@code listener}. */
  public List<FileResult> run(List<String> files, Listener listener) throws Exception {
    List<FileResult> out = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      listener.starting(i + 1, files.size(), files.get(i));
      FileResult r = run(files.get(i));
      listener.finished(r);
      out.add(r);
    }
    return out;
  }

  /** Runs one file on each side that runs and compares the two runs. */
  public FileResult run(String file) throws Exception {
    ParsedFile parsed = ParsedFile.load(file);
    FileRun b = bare == null ? null : bare.run(parsed);
    FileRun o = ordo == null ? null : ordo.run(parsed);
    List<Difference> diffs = o == null || b == null ? List.of() : compare(o, b);
    return new FileResult(file, o, b, diffs);
  }

  /**
   * The records of one file that did not do the same on both sides. Once one
   * side has abandoned the file and the other has not, the remaining records
   * are summed up in one difference.
   */
  public static List<Difference> compare(FileRun ordo, FileRun bare) {
    List<Difference> out = new ArrayList<>();
    int n = Math.min(ordo.steps().size(), bare.steps().size());
    for (int i = 0; i < n; i++) {
      Step o = ordo.steps().get(i);
      Step b = bare.steps().get(i);
      if (o.sameAs(b)) {
        continue;
      }
      boolean oneSided = (o.outcome() == Step.Outcome.NOT_RUN) != (b.outcome() == Step.Outcome.NOT_RUN);
      if (oneSided) {
        String ranOn = o.outcome() == Step.Outcome.NOT_RUN ? bare.side() : ordo.side();
        out.add(new Difference(ordo.file(), o, b, bare.side(), "this and the " + (n - i - 1)
            + " records after it ran on " + ranOn + " only (the other side abandoned the file)"));
        break;
      }
      out.add(new Difference(ordo.file(), o, b, bare.side(), ""));
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    try {
      if (ordo != null) {
        ordo.close();
      }
    } finally {
      backend.close();
    }
  }
}
