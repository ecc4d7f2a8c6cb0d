package dev.ordo.sqltests.slt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Finding the test files in the sql-logic-test jar. */
class SltFilesTest {
  @Test
  void theJarHoldsAllFilesInNaturalOrder() throws Exception {
    List<String> all = SltFiles.all();
    assertEquals(622, all.size());
    assertTrue(all.containsAll(SltFiles.CI), "every CI file exists");
    assertTrue(all.indexOf("random/select/slt_good_2.test") < all.indexOf("random/select/slt_good_10.test"));
  }

  @Test
  void globsSelectFilesAndATypoIsAnError() throws Exception {
    assertEquals(List.of("select1.test", "select2.test", "select3.test", "select4.test", "select5.test"),
        SltFiles.select(List.of("select*.test")));
    assertEquals(13, SltFiles.select(List.of("index/between/**")).size());
    assertEquals(List.of("evidence/in1.test"), SltFiles.select(List.of("evidence/in1.test")));
    assertThrows(IllegalArgumentException.class, () -> SltFiles.select(List.of("selectx.test")));
  }

  @Test
  void recordsKeepTheirLines() throws Exception {
    ParsedFile p = ParsedFile.load("evidence/slt_lang_createview.test");
    int i = 0;
    while (!ParsedFile.sqlOf(p.operations().get(i)).equals("DELETE FROM view1 WHERE x>0")) {
      i++;
    }
    assertEquals(69, p.lines()[i], "the header line of the DELETE");
    for (int line : p.lines()) {
      assertTrue(line > 0, "every record placed");
    }
  }
}
