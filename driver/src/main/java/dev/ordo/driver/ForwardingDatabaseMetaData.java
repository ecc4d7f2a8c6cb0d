package dev.ordo.driver;

import static dev.ordo.driver.RemoteMetaData.ints;
import static dev.ordo.driver.RemoteMetaData.strings;

import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The {@link DatabaseMetaData} methods that describe the backend database and
 * its catalog, each forwarded to the node as a Metadata request naming the
 * method (see {@link RemoteMetaData} for the argument encoding). Overloads
 * ({@code getSchemas}, {@code supportsConvert}) are told apart by their
 * argument count. {@link OrdoDatabaseMetaData} adds the methods answered by
 * the driver itself.
 */
abstract class ForwardingDatabaseMetaData implements DatabaseMetaData {
  private final RemoteMetaData remote;

  ForwardingDatabaseMetaData(RemoteMetaData remote) {
    this.remote = remote;
  }

  // ---- forwarded to the node: String answers ----

  @Override
  public String getDatabaseProductName() throws SQLException { return remote.str("getDatabaseProductName"); }
  @Override
  public String getDatabaseProductVersion() throws SQLException { return remote.str("getDatabaseProductVersion"); }
  @Override
  public String getIdentifierQuoteString() throws SQLException { return remote.str("getIdentifierQuoteString"); }
  @Override
  public String getSQLKeywords() throws SQLException { return remote.str("getSQLKeywords"); }
  @Override
  public String getNumericFunctions() throws SQLException { return remote.str("getNumericFunctions"); }
  @Override
  public String getStringFunctions() throws SQLException { return remote.str("getStringFunctions"); }
  @Override
  public String getSystemFunctions() throws SQLException { return remote.str("getSystemFunctions"); }
  @Override
  public String getTimeDateFunctions() throws SQLException { return remote.str("getTimeDateFunctions"); }
  @Override
  public String getSearchStringEscape() throws SQLException { return remote.str("getSearchStringEscape"); }
  @Override
  public String getExtraNameCharacters() throws SQLException { return remote.str("getExtraNameCharacters"); }
  @Override
  public String getSchemaTerm() throws SQLException { return remote.str("getSchemaTerm"); }
  @Override
  public String getProcedureTerm() throws SQLException { return remote.str("getProcedureTerm"); }
  @Override
  public String getCatalogTerm() throws SQLException { return remote.str("getCatalogTerm"); }
  @Override
  public String getCatalogSeparator() throws SQLException { return remote.str("getCatalogSeparator"); }

  // ---- forwarded to the node: boolean answers ----

  @Override
  public boolean allTablesAreSelectable() throws SQLException { return remote.bool("allTablesAreSelectable"); }
  @Override
  public boolean nullsAreSortedHigh() throws SQLException { return remote.bool("nullsAreSortedHigh"); }
  @Override
  public boolean nullsAreSortedLow() throws SQLException { return remote.bool("nullsAreSortedLow"); }
  @Override
  public boolean nullsAreSortedAtStart() throws SQLException { return remote.bool("nullsAreSortedAtStart"); }
  @Override
  public boolean nullsAreSortedAtEnd() throws SQLException { return remote.bool("nullsAreSortedAtEnd"); }
  @Override
  public boolean usesLocalFiles() throws SQLException { return remote.bool("usesLocalFiles"); }
  @Override
  public boolean usesLocalFilePerTable() throws SQLException { return remote.bool("usesLocalFilePerTable"); }
  @Override
  public boolean supportsMixedCaseIdentifiers() throws SQLException {
    return remote.bool("supportsMixedCaseIdentifiers");
  }
  @Override
  public boolean storesUpperCaseIdentifiers() throws SQLException {
    return remote.bool("storesUpperCaseIdentifiers");
  }
  @Override
  public boolean storesLowerCaseIdentifiers() throws SQLException {
    return remote.bool("storesLowerCaseIdentifiers");
  }
  @Override
  public boolean storesMixedCaseIdentifiers() throws SQLException {
    return remote.bool("storesMixedCaseIdentifiers");
  }
  @Override
  public boolean supportsMixedCaseQuotedIdentifiers() throws SQLException {
    return remote.bool("supportsMixedCaseQuotedIdentifiers");
  }
  @Override
  public boolean storesUpperCaseQuotedIdentifiers() throws SQLException {
    return remote.bool("storesUpperCaseQuotedIdentifiers");
  }
  @Override
  public boolean storesLowerCaseQuotedIdentifiers() throws SQLException {
    return remote.bool("storesLowerCaseQuotedIdentifiers");
  }
  @Override
  public boolean storesMixedCaseQuotedIdentifiers() throws SQLException {
    return remote.bool("storesMixedCaseQuotedIdentifiers");
  }
  @Override
  public boolean supportsAlterTableWithAddColumn() throws SQLException {
    return remote.bool("supportsAlterTableWithAddColumn");
  }
  @Override
  public boolean supportsAlterTableWithDropColumn() throws SQLException {
    return remote.bool("supportsAlterTableWithDropColumn");
  }
  @Override
  public boolean supportsColumnAliasing() throws SQLException { return remote.bool("supportsColumnAliasing"); }
  @Override
  public boolean nullPlusNonNullIsNull() throws SQLException { return remote.bool("nullPlusNonNullIsNull"); }
  @Override
  public boolean supportsConvert() throws SQLException { return remote.bool("supportsConvert"); }
  @Override
  public boolean supportsConvert(int fromType, int toType) throws SQLException {
    return remote.bool("supportsConvert", fromType, toType);
  }
  @Override
  public boolean supportsTableCorrelationNames() throws SQLException {
    return remote.bool("supportsTableCorrelationNames");
  }
  @Override
  public boolean supportsDifferentTableCorrelationNames() throws SQLException {
    return remote.bool("supportsDifferentTableCorrelationNames");
  }
  @Override
  public boolean supportsExpressionsInOrderBy() throws SQLException {
    return remote.bool("supportsExpressionsInOrderBy");
  }
  @Override
  public boolean supportsOrderByUnrelated() throws SQLException { return remote.bool("supportsOrderByUnrelated"); }
  @Override
  public boolean supportsGroupBy() throws SQLException { return remote.bool("supportsGroupBy"); }
  @Override
  public boolean supportsGroupByUnrelated() throws SQLException { return remote.bool("supportsGroupByUnrelated"); }
  @Override
  public boolean supportsGroupByBeyondSelect() throws SQLException {
    return remote.bool("supportsGroupByBeyondSelect");
  }
  @Override
  public boolean supportsLikeEscapeClause() throws SQLException { return remote.bool("supportsLikeEscapeClause"); }
  @Override
  public boolean supportsMultipleTransactions() throws SQLException {
    return remote.bool("supportsMultipleTransactions");
  }
  @Override
  public boolean supportsNonNullableColumns() throws SQLException {
    return remote.bool("supportsNonNullableColumns");
  }
  @Override
  public boolean supportsMinimumSQLGrammar() throws SQLException { return remote.bool("supportsMinimumSQLGrammar"); }
  @Override
  public boolean supportsCoreSQLGrammar() throws SQLException { return remote.bool("supportsCoreSQLGrammar"); }
  @Override
  public boolean supportsExtendedSQLGrammar() throws SQLException {
    return remote.bool("supportsExtendedSQLGrammar");
  }
  @Override
  public boolean supportsANSI92EntryLevelSQL() throws SQLException {
    return remote.bool("supportsANSI92EntryLevelSQL");
  }
  @Override
  public boolean supportsANSI92IntermediateSQL() throws SQLException {
    return remote.bool("supportsANSI92IntermediateSQL");
  }
  @Override
  public boolean supportsANSI92FullSQL() throws SQLException { return remote.bool("supportsANSI92FullSQL"); }
  @Override
  public boolean supportsIntegrityEnhancementFacility() throws SQLException {
    return remote.bool("supportsIntegrityEnhancementFacility");
  }
  @Override
  public boolean supportsOuterJoins() throws SQLException { return remote.bool("supportsOuterJoins"); }
  @Override
  public boolean supportsFullOuterJoins() throws SQLException { return remote.bool("supportsFullOuterJoins"); }
  @Override
  public boolean supportsLimitedOuterJoins() throws SQLException { return remote.bool("supportsLimitedOuterJoins"); }
  @Override
  public boolean isCatalogAtStart() throws SQLException { return remote.bool("isCatalogAtStart"); }
  @Override
  public boolean supportsSchemasInDataManipulation() throws SQLException {
    return remote.bool("supportsSchemasInDataManipulation");
  }
  @Override
  public boolean supportsSchemasInProcedureCalls() throws SQLException {
    return remote.bool("supportsSchemasInProcedureCalls");
  }
  @Override
  public boolean supportsSchemasInTableDefinitions() throws SQLException {
    return remote.bool("supportsSchemasInTableDefinitions");
  }
  @Override
  public boolean supportsSchemasInIndexDefinitions() throws SQLException {
    return remote.bool("supportsSchemasInIndexDefinitions");
  }
  @Override
  public boolean supportsSchemasInPrivilegeDefinitions() throws SQLException {
    return remote.bool("supportsSchemasInPrivilegeDefinitions");
  }
  @Override
  public boolean supportsCatalogsInDataManipulation() throws SQLException {
    return remote.bool("supportsCatalogsInDataManipulation");
  }
  @Override
  public boolean supportsCatalogsInProcedureCalls() throws SQLException {
    return remote.bool("supportsCatalogsInProcedureCalls");
  }
  @Override
  public boolean supportsCatalogsInTableDefinitions() throws SQLException {
    return remote.bool("supportsCatalogsInTableDefinitions");
  }
  @Override
  public boolean supportsCatalogsInIndexDefinitions() throws SQLException {
    return remote.bool("supportsCatalogsInIndexDefinitions");
  }
  @Override
  public boolean supportsCatalogsInPrivilegeDefinitions() throws SQLException {
    return remote.bool("supportsCatalogsInPrivilegeDefinitions");
  }
  @Override
  public boolean supportsSelectForUpdate() throws SQLException { return remote.bool("supportsSelectForUpdate"); }
  @Override
  public boolean supportsSubqueriesInComparisons() throws SQLException {
    return remote.bool("supportsSubqueriesInComparisons");
  }
  @Override
  public boolean supportsSubqueriesInExists() throws SQLException {
    return remote.bool("supportsSubqueriesInExists");
  }
  @Override
  public boolean supportsSubqueriesInIns() throws SQLException { return remote.bool("supportsSubqueriesInIns"); }
  @Override
  public boolean supportsSubqueriesInQuantifieds() throws SQLException {
    return remote.bool("supportsSubqueriesInQuantifieds");
  }
  @Override
  public boolean supportsCorrelatedSubqueries() throws SQLException {
    return remote.bool("supportsCorrelatedSubqueries");
  }
  @Override
  public boolean supportsUnion() throws SQLException { return remote.bool("supportsUnion"); }
  @Override
  public boolean supportsUnionAll() throws SQLException { return remote.bool("supportsUnionAll"); }
  @Override
  public boolean doesMaxRowSizeIncludeBlobs() throws SQLException {
    return remote.bool("doesMaxRowSizeIncludeBlobs");
  }
  @Override
  public boolean supportsDataDefinitionAndDataManipulationTransactions() throws SQLException {
    return remote.bool("supportsDataDefinitionAndDataManipulationTransactions");
  }
  @Override
  public boolean supportsDataManipulationTransactionsOnly() throws SQLException {
    return remote.bool("supportsDataManipulationTransactionsOnly");
  }
  @Override
  public boolean dataDefinitionCausesTransactionCommit() throws SQLException {
    return remote.bool("dataDefinitionCausesTransactionCommit");
  }
  @Override
  public boolean dataDefinitionIgnoredInTransactions() throws SQLException {
    return remote.bool("dataDefinitionIgnoredInTransactions");
  }
  @Override
  public boolean generatedKeyAlwaysReturned() throws SQLException {
    return remote.bool("generatedKeyAlwaysReturned");
  }

  // ---- forwarded to the node: int answers ----

  @Override
  public int getMaxBinaryLiteralLength() throws SQLException { return remote.integer("getMaxBinaryLiteralLength"); }
  @Override
  public int getMaxCharLiteralLength() throws SQLException { return remote.integer("getMaxCharLiteralLength"); }
  @Override
  public int getMaxColumnNameLength() throws SQLException { return remote.integer("getMaxColumnNameLength"); }
  @Override
  public int getMaxColumnsInGroupBy() throws SQLException { return remote.integer("getMaxColumnsInGroupBy"); }
  @Override
  public int getMaxColumnsInIndex() throws SQLException { return remote.integer("getMaxColumnsInIndex"); }
  @Override
  public int getMaxColumnsInOrderBy() throws SQLException { return remote.integer("getMaxColumnsInOrderBy"); }
  @Override
  public int getMaxColumnsInSelect() throws SQLException { return remote.integer("getMaxColumnsInSelect"); }
  @Override
  public int getMaxColumnsInTable() throws SQLException { return remote.integer("getMaxColumnsInTable"); }
  @Override
  public int getMaxConnections() throws SQLException { return remote.integer("getMaxConnections"); }
  @Override
  public int getMaxCursorNameLength() throws SQLException { return remote.integer("getMaxCursorNameLength"); }
  @Override
  public int getMaxIndexLength() throws SQLException { return remote.integer("getMaxIndexLength"); }
  @Override
  public int getMaxSchemaNameLength() throws SQLException { return remote.integer("getMaxSchemaNameLength"); }
  @Override
  public int getMaxProcedureNameLength() throws SQLException { return remote.integer("getMaxProcedureNameLength"); }
  @Override
  public int getMaxCatalogNameLength() throws SQLException { return remote.integer("getMaxCatalogNameLength"); }
  @Override
  public int getMaxRowSize() throws SQLException { return remote.integer("getMaxRowSize"); }
  @Override
  public int getMaxStatementLength() throws SQLException { return remote.integer("getMaxStatementLength"); }
  @Override
  public int getMaxStatements() throws SQLException { return remote.integer("getMaxStatements"); }
  @Override
  public int getMaxTableNameLength() throws SQLException { return remote.integer("getMaxTableNameLength"); }
  @Override
  public int getMaxTablesInSelect() throws SQLException { return remote.integer("getMaxTablesInSelect"); }
  @Override
  public int getMaxUserNameLength() throws SQLException { return remote.integer("getMaxUserNameLength"); }
  @Override
  public int getDatabaseMajorVersion() throws SQLException { return remote.integer("getDatabaseMajorVersion"); }
  @Override
  public int getDatabaseMinorVersion() throws SQLException { return remote.integer("getDatabaseMinorVersion"); }

  // ---- forwarded to the node: long answers ----

  @Override
  public long getMaxLogicalLobSize() throws SQLException { return remote.lng("getMaxLogicalLobSize"); }

  // ---- forwarded to the node: ResultSet answers ----

  @Override
  public ResultSet getProcedures(String catalog, String schemaPattern, String procedureNamePattern)
      throws SQLException {
    return remote.rs("getProcedures", catalog, schemaPattern, procedureNamePattern);
  }
  @Override
  public ResultSet getProcedureColumns(String catalog, String schemaPattern, String procedureNamePattern,
      String columnNamePattern)
      throws SQLException {
    return remote.rs("getProcedureColumns", catalog, schemaPattern, procedureNamePattern, columnNamePattern);
  }
  @Override
  public ResultSet getTables(String catalog, String schemaPattern, String tableNamePattern, String[] types)
      throws SQLException {
    return remote.rs("getTables", catalog, schemaPattern, tableNamePattern, strings(types));
  }
  @Override
  public ResultSet getSchemas() throws SQLException { return remote.rs("getSchemas"); }
  @Override
  public ResultSet getCatalogs() throws SQLException { return remote.rs("getCatalogs"); }
  @Override
  public ResultSet getTableTypes() throws SQLException { return remote.rs("getTableTypes"); }
  @Override
  public ResultSet getColumns(String catalog, String schemaPattern, String tableNamePattern, String columnNamePattern)
      throws SQLException {
    return remote.rs("getColumns", catalog, schemaPattern, tableNamePattern, columnNamePattern);
  }
  @Override
  public ResultSet getColumnPrivileges(String catalog, String schema, String table, String columnNamePattern)
      throws SQLException {
    return remote.rs("getColumnPrivileges", catalog, schema, table, columnNamePattern);
  }
  @Override
  public ResultSet getTablePrivileges(String catalog, String schemaPattern, String tableNamePattern)
      throws SQLException {
    return remote.rs("getTablePrivileges", catalog, schemaPattern, tableNamePattern);
  }
  @Override
  public ResultSet getBestRowIdentifier(String catalog, String schema, String table, int scope, boolean nullable)
      throws SQLException {
    return remote.rs("getBestRowIdentifier", catalog, schema, table, scope, nullable);
  }
  @Override
  public ResultSet getVersionColumns(String catalog, String schema, String table) throws SQLException {
    return remote.rs("getVersionColumns", catalog, schema, table);
  }
  @Override
  public ResultSet getPrimaryKeys(String catalog, String schema, String table) throws SQLException {
    return remote.rs("getPrimaryKeys", catalog, schema, table);
  }
  @Override
  public ResultSet getImportedKeys(String catalog, String schema, String table) throws SQLException {
    return remote.rs("getImportedKeys", catalog, schema, table);
  }
  @Override
  public ResultSet getExportedKeys(String catalog, String schema, String table) throws SQLException {
    return remote.rs("getExportedKeys", catalog, schema, table);
  }
  @Override
  public ResultSet getCrossReference(String parentCatalog, String parentSchema, String parentTable,
      String foreignCatalog, String foreignSchema, String foreignTable)
      throws SQLException {
    return remote.rs("getCrossReference", parentCatalog, parentSchema, parentTable, foreignCatalog,
        foreignSchema, foreignTable);
  }
  @Override
  public ResultSet getTypeInfo() throws SQLException { return remote.rs("getTypeInfo"); }
  @Override
  public ResultSet getIndexInfo(String catalog, String schema, String table, boolean unique, boolean approximate)
      throws SQLException {
    return remote.rs("getIndexInfo", catalog, schema, table, unique, approximate);
  }
  @Override
  public ResultSet getUDTs(String catalog, String schemaPattern, String typeNamePattern, int[] types)
      throws SQLException {
    return remote.rs("getUDTs", catalog, schemaPattern, typeNamePattern, ints(types));
  }
  @Override
  public ResultSet getSuperTypes(String catalog, String schemaPattern, String typeNamePattern) throws SQLException {
    return remote.rs("getSuperTypes", catalog, schemaPattern, typeNamePattern);
  }
  @Override
  public ResultSet getSuperTables(String catalog, String schemaPattern, String tableNamePattern) throws SQLException {
    return remote.rs("getSuperTables", catalog, schemaPattern, tableNamePattern);
  }
  @Override
  public ResultSet getAttributes(String catalog, String schemaPattern, String typeNamePattern,
      String attributeNamePattern)
      throws SQLException {
    return remote.rs("getAttributes", catalog, schemaPattern, typeNamePattern, attributeNamePattern);
  }
  @Override
  public ResultSet getSchemas(String catalog, String schemaPattern) throws SQLException {
    return remote.rs("getSchemas", catalog, schemaPattern);
  }
  @Override
  public ResultSet getFunctions(String catalog, String schemaPattern, String functionNamePattern)
      throws SQLException {
    return remote.rs("getFunctions", catalog, schemaPattern, functionNamePattern);
  }
  @Override
  public ResultSet getFunctionColumns(String catalog, String schemaPattern, String functionNamePattern,
      String columnNamePattern)
      throws SQLException {
    return remote.rs("getFunctionColumns", catalog, schemaPattern, functionNamePattern, columnNamePattern);
  }
  @Override
  public ResultSet getPseudoColumns(String catalog, String schemaPattern, String tableNamePattern,
      String columnNamePattern)
      throws SQLException {
    return remote.rs("getPseudoColumns", catalog, schemaPattern, tableNamePattern, columnNamePattern);
  }
}
