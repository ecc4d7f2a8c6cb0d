package dev.ordo.proxy.session;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ordo.driver.wire.ColumnInfo;
import dev.ordo.driver.wire.Request;
import dev.ordo.driver.wire.ResultData;
import java.sql.Types;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetadataCallTest {
  private static ColumnInfo col(String label) {
    return ColumnInfo.simple(label, Types.VARCHAR, "VARCHAR", "java.lang.String");
  }

  @Test
  void theReplicasCatalogIsReportedUnderTheNodesName() {
    ResultData keys = new ResultData(List.of(col("PKTABLE_CAT"), col("PKTABLE_SCHEM"), col("PKTABLE_NAME"),
        col("FKTABLE_CAT"), col("FKTABLE_NAME")),
        List.<Object[]>of(new Object[] {"ordo_7_r2", "public", "author", "ordo_7_r2", "book"}));
    ResultData renamed = MetadataCall.renameCatalog(keys, "ordo_7_r2", "ordo", false);
    assertArrayEquals(new Object[] {"ordo", "public", "author", "ordo", "book"}, renamed.rows().get(0));

    ResultData schemas = new ResultData(List.of(col("TABLE_SCHEM"), col("TABLE_CATALOG")),
        List.<Object[]>of(new Object[] {"public", null}));
    assertArrayEquals(new Object[] {"public", null},
        MetadataCall.renameCatalog(schemas, "ordo_7_r2", "ordo", false).rows().get(0));
  }

  @Test
  void catalogArgumentsNamingTheNodesDatabaseAskForTheReplicas() {
    Request.Metadata tables = MetadataCall.askedOfReplica(new Request.Metadata("getTables",
        java.util.Arrays.asList("ordo", "public", "%", null)), "ordo", "ordo_7_r2");
    assertEquals(java.util.Arrays.asList("ordo_7_r2", "public", "%", null), tables.args());
    Request.Metadata cross = MetadataCall.askedOfReplica(new Request.Metadata("getCrossReference",
        List.of("ordo", "public", "author", "ordo", "public", "book")), "ordo", "ordo_7_r2");
    assertEquals(List.of("ordo_7_r2", "public", "author", "ordo_7_r2", "public", "book"), cross.args());
    Request.Metadata any = MetadataCall.askedOfReplica(new Request.Metadata("getSchemas",
        java.util.Arrays.asList(null, "pub%")), "ordo", "ordo_7_r2");
    assertEquals(java.util.Arrays.asList(null, "pub%"), any.args(), "no catalog: any");
  }

  @Test
  void getCatalogsListsOnlyTheNodesDatabase() {
    ResultData catalogs = new ResultData(List.of(col("TABLE_CAT")), List.<Object[]>of(new Object[] {"ordo_6_r2"},
        new Object[] {"ordo_7_r2"}, new Object[] {"postgres"}, new Object[] {"template1"}));
    ResultData renamed = MetadataCall.renameCatalog(catalogs, "ordo_7_r2", "ordo", true);
    assertEquals(1, renamed.rows().size());
    assertArrayEquals(new Object[] {"ordo"}, renamed.rows().get(0));
  }
}
