package dev.ordo.sqltests.slt;

import java.io.IOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The sqllogictest files shipped in the {@code sql-logic-test} jar (under
 * {@code test/}), named by their path below it ({@code select1.test},
 * {@code index/between/1/slt_good_0.test}), and the curated subset CI runs.
 */
public final class SltFiles {
  /** The folder of the test files in the jar. */
  public static final String ROOT = "test/";

  /**
   * The curated subset run by {@code SqlLogicTestIT} and by {@code sql-tests/slt}
   * without {@code --files}: the hand-written evidence files (language
   * corners, expected errors), two classic select files, one file each of
   * random aggregates and expressions (typed results, NULL, arithmetic), and
   * one small file of five kinds of generated index tests (commute, orderby,
   * random; delete: thousands of DELETE/INSERT; view: a thousand CREATE/DROP
   * VIEW) — about 60,000 queries and 11,000 statements.
   */
  public static final List<String> CI = List.of(
      "evidence/in1.test",
      "evidence/in2.test",
      "evidence/slt_lang_aggfunc.test",
      "evidence/slt_lang_createtrigger.test",
      "evidence/slt_lang_createview.test",
      "evidence/slt_lang_dropindex.test",
      "evidence/slt_lang_droptable.test",
      "evidence/slt_lang_droptrigger.test",
      "evidence/slt_lang_dropview.test",
      "evidence/slt_lang_reindex.test",
      "evidence/slt_lang_replace.test",
      "evidence/slt_lang_update.test",
      "select1.test",
      "select2.test",
      "random/aggregates/slt_good_0.test",
      "random/expr/slt_good_4.test",
      "index/commute/10/slt_good_0.test",
      "index/orderby/10/slt_good_0.test",
      "index/random/10/slt_good_0.test",
      "index/delete/10/slt_good_0.test",
      "index/view/10/slt_good_1.test");

  private SltFiles() {}

  /** The resource name of a test file ({@code test/} + its name). */
  public static String resource(String file) {
    return ROOT + file;
  }

  /** Every test file in the jar, in natural order ({@code slt_good_2} before {@code slt_good_10}). */
  public static List<String> all() throws IOException {
    URL probe = loader().getResource(ROOT + "select1.test");
    if (probe == null) {
      throw new IOException("no sqllogictest files on the classpath (resource " + ROOT
          + "select1.test of net.hydromatic:sql-logic-test)");
    }
    List<String> out = new ArrayList<>();
    if (probe.openConnection() instanceof JarURLConnection jar) {
      jar.setUseCaches(false);
      try (JarFile jf = jar.getJarFile()) {
        Enumeration<JarEntry> entries = jf.entries();
        while (entries.hasMoreElements()) {
          String name = entries.nextElement().getName();
          if (name.startsWith(ROOT) && name.endsWith(".test")) {
            out.add(name.substring(ROOT.length()));
          }
        }
      }
    } else {
      Path root;
      try {
        root = Path.of(probe.toURI()).getParent();
      } catch (URISyntaxException e) {
        throw new IOException("cannot list " + probe + ": " + e.getMessage(), e);
      }
      try (Stream<Path> files = Files.walk(root)) {
        files.filter(f -> f.toString().endsWith(".test"))
            .forEach(f -> out.add(root.relativize(f).toString().replace('\\', '/')));
      }
    }
    out.sort(NATURAL);
    return out;
  }

  /**
   * The files matching any of {@code globs} ({@code select1.test},
   * {@code index/between/**}, {@code evidence/*}), in natural order. A glob that
   * matches nothing is an error (a typo would otherwise run nothing and pass).
   */
  public static List<String> select(List<String> globs) throws IOException {
    List<String> all = all();
    Set<String> out = new LinkedHashSet<>();
    for (String glob : globs) {
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
      boolean any = false;
      for (String f : all) {
        if (f.equals(glob) || m.matches(Path.of(f))) {
          out.add(f);
          any = true;
        }
      }
      if (!any) {
        throw new IllegalArgumentException("no test file matches '" + glob + "' (names look like select1.test, "
            + "index/between/1/slt_good_0.test, evidence/in1.test)");
      }
    }
    List<String> sorted = new ArrayList<>(out);
    sorted.sort(NATURAL);
    return sorted;
  }

  private static ClassLoader loader() {
    ClassLoader l = Thread.currentThread().getContextClassLoader();
    return l != null ? l : SltFiles.class.getClassLoader();
  }

  /** Names compared with runs of digits as numbers. */
  static final Comparator<String> NATURAL = (a, b) -> {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      char ca = a.charAt(i);
      char cb = b.charAt(j);
      if (Character.isDigit(ca) && Character.isDigit(cb)) {
        int si = i;
        int sj = j;
        while (i < a.length() && Character.isDigit(a.charAt(i))) {
          i++;
        }
        while (j < b.length() && Character.isDigit(b.charAt(j))) {
          j++;
        }
        int c = new java.math.BigInteger(a.substring(si, i)).compareTo(new java.math.BigInteger(b.substring(sj, j)));
        if (c != 0) {
          return c;
        }
      } else {
        if (ca != cb) {
          return Character.compare(ca, cb);
        }
        i++;
        j++;
      }
    }
    return Integer.compare(a.length() - i, b.length() - j);
  };
}
