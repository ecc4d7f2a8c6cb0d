package dev.ordo.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlTextTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
      "SELECT 1 | 0",
      "SELECT * FROM t WHERE a = ? AND b = ? | 2",
      "INSERT INTO t VALUES (?, ?, ?) | 3",
      "SELECT '?' , ? | 1",
      "SELECT 'it''s ?', ? | 1",
      "SELECT \"col?\" FROM t WHERE x = ? | 1",
      "SELECT `a?b` FROM t WHERE x = ? | 1",
      "SELECT ? -- what? \\n , ? | 2",
      "SELECT ? -- trailing ? | 1",
      "SELECT /* ? /* nested ? */ still ? */ ? | 1",
      "SELECT E'\\'?', ? | 1",
      "SELECT e'a\\\\', ? | 1",
      "SELECT 'a\\', ? | 1",
      "SELECT $$ ? $$, ? | 1",
      "SELECT $tag$ ? $$ ? $tag$, ? | 1",
      "SELECT $1, ? | 1",
      "SELECT a$b, ? FROM t | 1",
      "SELECT 'unterminated ? | 0",
      "SELECT x/?, 5-? | 2",
      "~~ | 0",
  })
  void countsMarkersOutsideLiteralsIdentifiersAndComments(String sql, int expected) {
    assertEquals(expected, SqlText.countMarkers(sql.replace("\\n", "\n")), sql);
  }
}
