<#--
// Licensed to the Apache Software Foundation (ASF) under one or more
// contributor license agreements.  See the NOTICE file distributed with
// this work for additional information regarding copyright ownership.
// The ASF licenses this file to you under the Apache License, Version 2.0
// (the "License"); you may not use this file except in compliance with
// the License.  You may obtain a copy of the License at
//
// http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.
-->

<#--
  Ordo's additions to Calcite's SQL grammar: the PostgreSQL and H2 statement
  forms that applications, ORMs and migration tools send. Included into
  Calcite's Parser.jj by FMPP (see ../config.fmpp). The trees only serve
  classification (tables read and written, sequences, DDL); the original SQL
  text is what replicas run.

  Every method in config.fmpp's statementParserMethods is tried before
  Calcite's own statements, on two tokens of lookahead; so each of them must
  accept everything Calcite's statement of the same first words accepts.
-->

/* ------------------------------------------------------------------------
 * DML
 * ------------------------------------------------------------------------ */

/**
 * INSERT or UPSERT as in Calcite, plus DEFAULT VALUES, an "AS alias",
 * ON CONFLICT and RETURNING.
 */
SqlNode OrdoInsert() :
{
    final List<SqlLiteral> keywords = new ArrayList<SqlLiteral>();
    final SqlNodeList keywordList;
    final SqlIdentifier tableName;
    SqlNode tableRef;
    SqlNode source = null;
    SqlNodeList columnList = null;
    ExtendedInsert.Conflict conflict = null;
    SqlNodeList returning = null;
    final Span s;
    final Pair<SqlNodeList, SqlNodeList> p;
}
{
    (
        <INSERT>
    |
        <UPSERT> { keywords.add(SqlInsertKeyword.UPSERT.symbol(getPos())); }
    )
    { s = span(); }
    SqlInsertKeywords(keywords) {
        keywordList = new SqlNodeList(keywords, s.addAll(keywords).pos());
    }
    <INTO> tableName = CompoundTableIdentifier()
    ( tableRef = TableHints(tableName) | { tableRef = tableName; } )
    [ <AS> SimpleIdentifier() ]
    [
        LOOKAHEAD(2)
        p = ParenthesizedCompoundIdentifierList() {
            if (!p.left.isEmpty()) {
                columnList = p.left;
            }
        }
    ]
    (
        <DEFAULT_> <VALUES>
    |
        source = OrderedQueryOrExpr(ExprContext.ACCEPT_QUERY)
    )
    [ conflict = OnConflict() ]
    [ returning = Returning() ]
    {
        return new ExtendedInsert(s.end(this), keywordList, tableRef, source,
            columnList, conflict, returning);
    }
}

/** ON CONFLICT [target] DO NOTHING | DO UPDATE SET ... [WHERE ...]. */
ExtendedInsert.Conflict OnConflict() :
{
    final List<SqlNode> target = new ArrayList<SqlNode>();
    SqlNodeList targetList = null;
    SqlIdentifier constraint = null;
    final SqlNodeList columns = new SqlNodeList(SqlParserPos.ZERO);
    final SqlNodeList values = new SqlNodeList(SqlParserPos.ZERO);
    SqlNode where = null;
    boolean nothing;
    final Span s;
}
{
    <ON> { s = span(); } <CONFLICT>
    [
        <LPAREN> IndexElement(target) ( <COMMA> IndexElement(target) )* <RPAREN>
        [ where = Where() { target.add(where); where = null; } ]
        { targetList = new SqlNodeList(target, s.end(this)); }
    |
        <ON> <CONSTRAINT> constraint = CompoundIdentifier()
    ]
    <DO>
    (
        <NOTHING> { nothing = true; }
    |
        <UPDATE> <SET> SetClause(columns, values)
        [ where = Where() ]
        { nothing = false; }
    )
    {
        return new ExtendedInsert.Conflict(targetList, constraint, nothing,
            columns, values, where);
    }
}

/** column = expression | DEFAULT [, ...], as after UPDATE ... SET. */
void SetClause(SqlNodeList columns, SqlNodeList values) :
{
}
{
    SetItem(columns, values) ( <COMMA> SetItem(columns, values) )*
}

void SetItem(SqlNodeList columns, SqlNodeList values) :
{
    final SqlIdentifier id;
}
{
    id = CompoundIdentifier() { columns.add(id); }
    <EQ>
    (
        <DEFAULT_> { values.add(SqlStdOperatorTable.DEFAULT.createCall(getPos())); }
    |
        AddExpression(values, ExprContext.ACCEPT_SUB_QUERY)
    )
}

/** RETURNING select-items. */
SqlNodeList Returning() :
{
    final List<SqlNode> list = new ArrayList<SqlNode>();
    final Span s;
}
{
    <RETURNING> { s = span(); }
    AddSelectItem(list) ( <COMMA> AddSelectItem(list) )*
    { return new SqlNodeList(list, s.end(this)); }
}

/** UPDATE [ONLY] t [[AS] alias] SET ... [FROM ...] [WHERE ...] [RETURNING ...]. */
SqlNode OrdoUpdate() :
{
    final SqlIdentifier tableName;
    SqlNode tableRef;
    SqlIdentifier alias = null;
    SqlNode from = null;
    SqlNode where = null;
    SqlNodeList returning = null;
    final SqlNodeList targetColumnList;
    final SqlNodeList sourceExpressionList;
    final Span s;
}
{
    <UPDATE> {
        s = span();
        targetColumnList = new SqlNodeList(s.pos());
        sourceExpressionList = new SqlNodeList(s.pos());
    }
    [ <ONLY> ]
    tableName = CompoundTableIdentifier()
    ( tableRef = TableHints(tableName) | { tableRef = tableName; } )
    [ [ <AS> ] alias = SimpleIdentifier() ]
    <SET> SetClause(targetColumnList, sourceExpressionList)
    [ <FROM> from = FromClause() ]
    [ where = Where() ]
    [ returning = Returning() ]
    {
        return new ExtendedUpdate(s.end(this), tableRef, targetColumnList,
            sourceExpressionList, where, alias, from, returning);
    }
}

/** DELETE FROM [ONLY] t [[AS] alias] [USING ...] [WHERE ...] [RETURNING ...]. */
SqlNode OrdoDelete() :
{
    final SqlIdentifier tableName;
    SqlNode tableRef;
    SqlIdentifier alias = null;
    SqlNode using = null;
    SqlNode where = null;
    SqlNodeList returning = null;
    final Span s;
}
{
    <DELETE> { s = span(); }
    <FROM>
    [ <ONLY> ]
    tableName = CompoundTableIdentifier()
    ( tableRef = TableHints(tableName) | { tableRef = tableName; } )
    [
        LOOKAHEAD(1, { getToken(1).kind != RETURNING })
        [ <AS> ] alias = SimpleIdentifier()
    ]
    [ <USING> using = FromClause() ]
    [ where = Where() ]
    [ returning = Returning() ]
    {
        return new ExtendedDelete(s.end(this), tableRef, where, alias, using,
            returning);
    }
}

/**
 * MERGE: H2's MERGE INTO t [(columns)] [KEY (columns)] VALUES ... | query,
 * or the standard MERGE INTO t USING ... as Calcite reads it.
 */
SqlNode OrdoMerge() :
{
    final SqlNode e;
}
{
    (
        LOOKAHEAD(<MERGE> <INTO> CompoundTableIdentifier()
            (<KEY> | <LPAREN> | <VALUES> | <SELECT> | <WITH>))
        e = H2Merge()
    |
        e = SqlMerge()
    )
    { return e; }
}

SqlNode H2Merge() :
{
    final SqlIdentifier tableName;
    SqlNodeList columnList = null;
    SqlNodeList keys = null;
    final SqlNode source;
    final Span s;
    final Pair<SqlNodeList, SqlNodeList> p;
}
{
    <MERGE> { s = span(); } <INTO> tableName = CompoundTableIdentifier()
    [
        LOOKAHEAD(2)
        p = ParenthesizedCompoundIdentifierList() {
            if (!p.left.isEmpty()) {
                columnList = p.left;
            }
        }
    ]
    [ <KEY> keys = ParenthesizedSimpleIdentifierList() ]
    source = OrderedQueryOrExpr(ExprContext.ACCEPT_QUERY)
    {
        return ExtendedInsert.h2Merge(s.end(this), tableName, source,
            columnList, keys);
    }
}

/**
 * A query, with PostgreSQL's and H2's locking clauses:
 * FOR UPDATE | FOR NO KEY UPDATE | FOR SHARE | FOR KEY SHARE
 * [OF tables] [NOWAIT | SKIP LOCKED], any number of them.
 */
SqlNode OrdoQuery() :
{
    final SqlNode query;
    final List<LockingQuery.Clause> clauses = new ArrayList<LockingQuery.Clause>();
    LockingQuery.Clause clause;
}
{
    (
        // Only what starts a query: Calcite's own statements that start with a
        // non-reserved word (RESET, ALTER SYSTEM) come after this one.
        LOOKAHEAD({ getToken(1).kind == SELECT || getToken(1).kind == WITH
            || getToken(1).kind == VALUES || getToken(1).kind == TABLE
            || getToken(1).kind == LPAREN })
        query = OrderedQueryOrExpr(ExprContext.ACCEPT_QUERY)
    |
        LOOKAHEAD({ false }) <EOF> { query = null; }
    )
    ( clause = LockingClause() { clauses.add(clause); } )*
    {
        if (clauses.isEmpty()) {
            return query;
        }
        return new LockingQuery(getPos(), query, clauses);
    }
}

LockingQuery.Clause LockingClause() :
{
    final LockingQuery.Strength strength;
    final List<SqlIdentifier> of = new ArrayList<SqlIdentifier>();
    SqlIdentifier id;
    String waitPolicy = null;
}
{
    <FOR>
    (
        <UPDATE> { strength = LockingQuery.Strength.UPDATE; }
    |
        <NO> <KEY> <UPDATE> { strength = LockingQuery.Strength.NO_KEY_UPDATE; }
    |
        <SHARE> { strength = LockingQuery.Strength.SHARE; }
    |
        <KEY> <SHARE> { strength = LockingQuery.Strength.KEY_SHARE; }
    )
    [
        <OF> id = CompoundIdentifier() { of.add(id); }
        ( <COMMA> id = CompoundIdentifier() { of.add(id); } )*
    ]
    [
        <NOWAIT> { waitPolicy = "NOWAIT"; }
    |
        <SKIP_> <LOCKED> { waitPolicy = "SKIP LOCKED"; }
    ]
    { return new LockingQuery.Clause(strength, of, waitPolicy); }
}

/* ------------------------------------------------------------------------
 * DDL
 * ------------------------------------------------------------------------ */

/** CREATE TABLE | INDEX | SEQUENCE | VIEW | SCHEMA | EXTENSION. */
SqlNode OrdoCreate() :
{
    final Span s;
    final DdlStatement.Builder b = new DdlStatement.Builder(SqlKind.OTHER_DDL, "CREATE");
}
{
    <CREATE> { s = span(); }
    [ <OR> <REPLACE> ]
    (
        CreateTable(b)
    |
        CreateIndex(b)
    |
        CreateSequence(b)
    |
        CreateView(b)
    |
        <SCHEMA> { b.kind(SqlKind.CREATE_SCHEMA, "CREATE SCHEMA"); }
        [ LOOKAHEAD(3) IfNotExists() ]
        ObjectName(b)
        [ <AUTHORIZATION> SimpleIdentifier() ]
    |
        <EXTENSION> { b.kind(SqlKind.OTHER_DDL, "CREATE EXTENSION"); }
        [ LOOKAHEAD(3) IfNotExists() ]
        ObjectName(b)
        [ <WITH> ]
        (
            <SCHEMA> SimpleIdentifier()
        |
            <VERSION> StringOrIdentifier()
        |
            <CASCADE>
        )*
    )
    { return b.build(s.end(this)); }
}

void IfNotExists() :
{
}
{
    <IF> <NOT> <EXISTS>
}

void IfExists() :
{
}
{
    <IF> <EXISTS>
}

void ObjectName(DdlStatement.Builder b) :
{
    final SqlIdentifier id;
}
{
    id = CompoundIdentifier() { b.object(id); }
}

void StringOrIdentifier() :
{
}
{
    StringLiteral()
|
    SimpleIdentifier()
}

/**
 * [GLOBAL | LOCAL] [TEMP | TEMPORARY | UNLOGGED | MEMORY | CACHED] TABLE
 * [IF NOT EXISTS] name [(columns and constraints)] [AS query [WITH [NO] DATA]].
 */
void CreateTable(DdlStatement.Builder b) :
{
    final SqlIdentifier id;
    final SqlNode query;
}
{
    { b.kind(SqlKind.CREATE_TABLE, "CREATE TABLE"); }
    [ <GLOBAL> | <LOCAL> ]
    [ <TEMPORARY> | <TEMP> | <UNLOGGED> | <MEMORY> | <CACHED> ]
    <TABLE>
    [ LOOKAHEAD(3) IfNotExists() ]
    id = CompoundIdentifier() { b.table(id); }
    [
        <LPAREN> TableElement(b) ( <COMMA> TableElement(b) )* <RPAREN>
    ]
    [
        <AS> query = OrderedQueryOrExpr(ExprContext.ACCEPT_QUERY) { b.expression(query); }
        [ <WITH> [ <NO> ] <DATA> ]
    ]
}

void TableElement(DdlStatement.Builder b) :
{
}
{
    TableConstraint(b)
|
    ColumnDefinition(b)
}

/** name type [column constraints]. */
void ColumnDefinition(DdlStatement.Builder b) :
{
}
{
    SimpleIdentifier() ColumnType() ( ColumnConstraint(b) )*
}

/** A data type, with PostgreSQL's array brackets (TEXT[], INT[][]). */
SqlDataTypeSpec ColumnType() :
{
    final SqlDataTypeSpec type;
}
{
    type = DataType()
    ( <LBRACKET> [ UnsignedNumericLiteral() ] <RBRACKET> )*
    { return type; }
}

void ColumnConstraint(DdlStatement.Builder b) :
{
    SqlNode e;
}
{
    <CONSTRAINT> SimpleIdentifier()
|
    <NOT> ( <NULL> | <DEFERRABLE> )
|
    <NULL>
|
    <DEFAULT_> e = Expression(ExprContext.ACCEPT_SUB_QUERY) { b.expression(e); }
|
    <PRIMARY> <KEY> [ <ASC> | <DESC> ]
|
    <UNIQUE> [ <KEY> ]
|
    <CHECK> <LPAREN> e = Expression(ExprContext.ACCEPT_SUB_QUERY) <RPAREN> { b.expression(e); }
|
    References(b)
|
    <GENERATED>
    (
        <ALWAYS>
    |
        <BY> <DEFAULT_> [ <ON> <NULL> ]
    )
    <AS>
    (
        <IDENTITY> [ <LPAREN> ( SequenceOption(b) )* <RPAREN> ]
    |
        <LPAREN> e = Expression(ExprContext.ACCEPT_SUB_QUERY) <RPAREN> { b.expression(e); }
        [ <STORED> ]
    )
|
    <AUTO_INCREMENT> [ <LPAREN> SignedNumber() [ <COMMA> SignedNumber() ] <RPAREN> ]
|
    <IDENTITY> [ <LPAREN> SignedNumber() [ <COMMA> SignedNumber() ] <RPAREN> ]
|
    <COLLATE> StringOrIdentifier()
|
    <DEFERRABLE>
|
    <INITIALLY> ( <DEFERRED> | <IMMEDIATE> )
}

/** [CONSTRAINT name] PRIMARY KEY (...) | UNIQUE (...) | FOREIGN KEY (...) REFERENCES ... | CHECK (...). */
void TableConstraint(DdlStatement.Builder b) :
{
    SqlNode e;
}
{
    [ <CONSTRAINT> SimpleIdentifier() ]
    (
        <PRIMARY> <KEY> ParenthesizedSimpleIdentifierList()
    |
        <UNIQUE> [ <KEY> ] ParenthesizedSimpleIdentifierList()
        [ <INCLUDE> ParenthesizedSimpleIdentifierList() ]
    |
        <FOREIGN> <KEY> ParenthesizedSimpleIdentifierList() References(b)
    |
        <CHECK> <LPAREN> e = Expression(ExprContext.ACCEPT_SUB_QUERY) <RPAREN> { b.expression(e); }
    )
    ( ConstraintTiming() )*
}

void ConstraintTiming() :
{
}
{
    <NOT> <DEFERRABLE>
|
    <DEFERRABLE>
|
    <INITIALLY> ( <DEFERRED> | <IMMEDIATE> )
}

/** REFERENCES table [(columns)] [MATCH FULL | SIMPLE] [ON DELETE | UPDATE action]... */
void References(DdlStatement.Builder b) :
{
    final SqlIdentifier id;
}
{
    <REFERENCES> id = CompoundIdentifier() { b.references(id); }
    [ ParenthesizedSimpleIdentifierList() ]
    [ <MATCH> ( <FULL> | SimpleIdentifier() ) ]
    ( <ON> ( <DELETE> | <UPDATE> ) ReferentialAction() )*
}

void ReferentialAction() :
{
}
{
    <CASCADE>
|
    <RESTRICT>
|
    <NO> <ACTION>
|
    <SET> ( <NULL> | <DEFAULT_> )
}

/**
 * [UNIQUE] INDEX [CONCURRENTLY] [[IF NOT EXISTS] name] ON [ONLY] table
 * [USING method] (expressions) [INCLUDE (columns)] [WHERE predicate].
 */
void CreateIndex(DdlStatement.Builder b) :
{
    final List<SqlNode> elements = new ArrayList<SqlNode>();
    SqlIdentifier id;
    SqlNode where;
}
{
    { b.kind(SqlKind.CREATE_INDEX, "CREATE INDEX"); }
    [ <UNIQUE> ]
    <INDEX>
    [ <CONCURRENTLY> ]
    [ LOOKAHEAD(3) IfNotExists() ]
    [ id = CompoundIdentifier() { b.object(id); } ]
    <ON> [ <ONLY> ] id = CompoundIdentifier() { b.changes(id); }
    [ <USING> SimpleIdentifier() ]
    <LPAREN> IndexElement(elements) ( <COMMA> IndexElement(elements) )* <RPAREN>
    {
        for (SqlNode e : elements) {
            b.expression(e);
        }
    }
    [ <INCLUDE> ParenthesizedSimpleIdentifierList() ]
    [ where = Where() { b.expression(where); } ]
}

/** An indexed expression: expression [ASC | DESC] [NULLS FIRST | LAST]. */
void IndexElement(List<SqlNode> list) :
{
}
{
    AddExpression(list, ExprContext.ACCEPT_SUB_QUERY)
    [ <ASC> | <DESC> ]
    [ <NULLS> ( <FIRST> | <LAST> ) ]
}

/** SEQUENCE [IF NOT EXISTS] name [options]. */
void CreateSequence(DdlStatement.Builder b) :
{
    final SqlIdentifier id;
}
{
    { b.kind(SqlKind.CREATE_SEQUENCE, "CREATE SEQUENCE"); }
    <SEQUENCE>
    [ LOOKAHEAD(3) IfNotExists() ]
    id = CompoundIdentifier() { b.sequence(id); }
    ( SequenceOption(b) )*
}

/** One option of CREATE or ALTER SEQUENCE, or of an identity column. */
void SequenceOption(DdlStatement.Builder b) :
{
    SqlIdentifier id;
}
{
    <AS> DataType()
|
    <INCREMENT> [ <BY> ] SignedNumber()
|
    <MINVALUE> SignedNumber()
|
    <MAXVALUE> SignedNumber()
|
    <START> [ <WITH> ] SignedNumber()
|
    <RESTART> [ LOOKAHEAD(2) [ <WITH> ] SignedNumber() ]
|
    <CACHE> SignedNumber()
|
    <NO> ( <MINVALUE> | <MAXVALUE> | <CYCLE> | <CACHE> )
|
    <NOCACHE>
|
    <NOCYCLE>
|
    <CYCLE>
|
    <OWNED> <BY>
    (
        <NONE>
    |
        id = CompoundIdentifier() { b.referencesTableOf(id); }
    )
}

void SignedNumber() :
{
}
{
    [ <MINUS> | <PLUS> ] UnsignedNumericLiteral()
}

/** [TEMP] [RECURSIVE] VIEW name [(columns)] AS query [WITH CHECK OPTION]. */
void CreateView(DdlStatement.Builder b) :
{
    final SqlIdentifier id;
    final SqlNode query;
}
{
    { b.kind(SqlKind.CREATE_VIEW, "CREATE VIEW"); }
    [ <TEMPORARY> | <TEMP> ]
    [ <RECURSIVE> ]
    <VIEW>
    [ LOOKAHEAD(3) IfNotExists() ]
    id = CompoundIdentifier() { b.table(id); }
    [ ParenthesizedSimpleIdentifierList() ]
    <AS> query = OrderedQueryOrExpr(ExprContext.ACCEPT_QUERY) { b.expression(query); }
    [ <WITH> [ <CASCADED> | <LOCAL> ] <CHECK> <OPTION> ]
}

/** ALTER TABLE ... | ALTER SEQUENCE ... | ALTER INDEX ... RENAME TO ... */
SqlNode OrdoAlter() :
{
    final Span s;
    final DdlStatement.Builder b = new DdlStatement.Builder(SqlKind.ALTER_TABLE, "ALTER TABLE");
    SqlIdentifier id;
}
{
    <ALTER> { s = span(); }
    (
        <TABLE>
        [ LOOKAHEAD(2) IfExists() ]
        [ <ONLY> ]
        id = CompoundIdentifier() { b.table(id); }
        AlterTableAction(b) ( <COMMA> AlterTableAction(b) )*
    |
        <SEQUENCE> { b.kind(SqlKind.ALTER_SEQUENCE, "ALTER SEQUENCE"); }
        [ LOOKAHEAD(2) IfExists() ]
        id = CompoundIdentifier() { b.sequence(id); }
        (
            <RENAME> <TO> id = CompoundIdentifier() { b.sequence(id); }
        |
            ( SequenceOption(b) )+
        )
    |
        <INDEX> { b.kind(SqlKind.ALTER_INDEX, "ALTER INDEX"); }
        [ LOOKAHEAD(2) IfExists() ]
        ObjectName(b)
        <RENAME> <TO> ObjectName(b)
    )
    { return b.build(s.end(this)); }
}

void AlterTableAction(DdlStatement.Builder b) :
{
    SqlIdentifier id;
}
{
    <ADD>
    (
        TableConstraint(b)
    |
        [ <COLUMN> ]
        [ LOOKAHEAD(3) IfNotExists() ]
        ColumnDefinition(b)
    )
|
    <DROP>
    (
        <CONSTRAINT> [ LOOKAHEAD(2) IfExists() ] SimpleIdentifier()
    |
        <PRIMARY> <KEY>
    |
        [ <COLUMN> ] [ LOOKAHEAD(2) IfExists() ] SimpleIdentifier()
    )
    [ <CASCADE> | <RESTRICT> ]
|
    <ALTER> [ <COLUMN> ] SimpleIdentifier() AlterColumnAction(b)
|
    <RENAME>
    (
        <TO> id = CompoundIdentifier() { b.table(id); }
    |
        <CONSTRAINT> SimpleIdentifier() <TO> SimpleIdentifier()
    |
        [ <COLUMN> ] SimpleIdentifier() <TO> SimpleIdentifier()
    )
|
    <OWNER> <TO> SimpleIdentifier()
|
    <SET> <SCHEMA> SimpleIdentifier()
}

void AlterColumnAction(DdlStatement.Builder b) :
{
    SqlNode e;
}
{
    <TYPE> ColumnType() [ <USING> e = Expression(ExprContext.ACCEPT_SUB_QUERY) { b.expression(e); } ]
|
    <SET>
    (
        <DATA> <TYPE> ColumnType() [ <USING> e = Expression(ExprContext.ACCEPT_SUB_QUERY) { b.expression(e); } ]
    |
        <DEFAULT_> e = Expression(ExprContext.ACCEPT_SUB_QUERY) { b.expression(e); }
    |
        <NOT> <NULL>
    |
        <NULL>
    )
|
    <DROP>
    (
        <DEFAULT_>
    |
        <NOT> <NULL>
    |
        <IDENTITY> [ LOOKAHEAD(2) IfExists() ]
    )
|
    <RESTART> [ [ <WITH> ] SignedNumber() ]
|
    <ADD> <GENERATED> ( <ALWAYS> | <BY> <DEFAULT_> ) <AS> <IDENTITY>
    [ <LPAREN> ( SequenceOption(b) )* <RPAREN> ]
}

/**
 * DROP TABLE | VIEW | INDEX | SEQUENCE | SCHEMA [CONCURRENTLY] [IF EXISTS]
 * names [CASCADE | RESTRICT].
 */
SqlNode OrdoDrop() :
{
    final Span s;
    final DdlStatement.Builder b = new DdlStatement.Builder(SqlKind.DROP_TABLE, "DROP TABLE");
    final int what;
}
{
    <DROP> { s = span(); }
    (
        <TABLE> { what = 0; }
    |
        <VIEW> { what = 0; b.kind(SqlKind.DROP_VIEW, "DROP VIEW"); }
    |
        <INDEX> { what = 1; b.kind(SqlKind.DROP_INDEX, "DROP INDEX"); }
    |
        <SEQUENCE> { what = 2; b.kind(SqlKind.DROP_SEQUENCE, "DROP SEQUENCE"); }
    |
        <SCHEMA> { what = 1; b.kind(SqlKind.DROP_SCHEMA, "DROP SCHEMA"); }
    )
    [ <CONCURRENTLY> ]
    [ LOOKAHEAD(2) IfExists() ]
    DropName(b, what) ( <COMMA> DropName(b, what) )*
    [ <CASCADE> | <RESTRICT> ]
    { return b.build(s.end(this)); }
}

void DropName(DdlStatement.Builder b, int what) :
{
    final SqlIdentifier id;
}
{
    id = CompoundIdentifier() {
        if (what == 0) {
            b.table(id);
        } else if (what == 2) {
            b.sequence(id);
        } else {
            b.object(id);
        }
    }
}

/** TRUNCATE [TABLE] [ONLY] names [RESTART | CONTINUE IDENTITY] [CASCADE | RESTRICT]. */
SqlNode OrdoTruncate() :
{
    final Span s;
    final DdlStatement.Builder b = new DdlStatement.Builder(SqlKind.TRUNCATE_TABLE, "TRUNCATE TABLE");
    SqlIdentifier id;
}
{
    <TRUNCATE> { s = span(); }
    [ <TABLE> ]
    [ <ONLY> ]
    id = CompoundIdentifier() { b.table(id); }
    ( <COMMA> id = CompoundIdentifier() { b.table(id); } )*
    [ ( <RESTART> | <CONTINUE> ) <IDENTITY> ]
    [ <CASCADE> | <RESTRICT> ]
    { return b.build(s.end(this)); }
}

/** COMMENT ON TABLE | COLUMN | INDEX | SEQUENCE | VIEW | SCHEMA name IS 'text' | NULL. */
SqlNode OrdoComment() :
{
    final Span s;
    final DdlStatement.Builder b = new DdlStatement.Builder(SqlKind.OTHER_DDL, "COMMENT ON");
    SqlIdentifier id;
}
{
    <COMMENT> { s = span(); } <ON>
    (
        ( <TABLE> | <VIEW> ) id = CompoundIdentifier() { b.table(id); }
    |
        <COLUMN> id = CompoundIdentifier() { b.changesTableOf(id).object(id); }
    |
        <SEQUENCE> id = CompoundIdentifier() { b.sequence(id); }
    |
        ( <INDEX> | <SCHEMA> ) ObjectName(b)
    )
    <IS> ( StringLiteral() | <NULL> )
    { return b.build(s.end(this)); }
}

/* ------------------------------------------------------------------------
 * Other statements
 * ------------------------------------------------------------------------ */

/** LOCK [TABLE] [ONLY] names [IN mode MODE] [NOWAIT]. */
SqlNode OrdoLockTable() :
{
    final Span s;
    final List<SqlIdentifier> tables = new ArrayList<SqlIdentifier>();
    final StringBuilder mode = new StringBuilder();
    SqlIdentifier id;
}
{
    <LOCK> { s = span(); }
    [ <TABLE> ]
    [ <ONLY> ]
    id = CompoundIdentifier() { tables.add(id); }
    ( <COMMA> id = CompoundIdentifier() { tables.add(id); } )*
    [
        <IN>
        (
            ( <ACCESS> | <ROW> | <SHARE> | <UPDATE> | <EXCLUSIVE> ) {
                if (mode.length() > 0) {
                    mode.append(' ');
                }
                mode.append(token.image.toUpperCase(Locale.ROOT));
            }
        )+
        <MODE>
    ]
    [ <NOWAIT> ]
    {
        return new LockTable(s.end(this), tables,
            mode.length() == 0 ? "ACCESS EXCLUSIVE" : mode.toString());
    }
}

/**
 * SET [SESSION | LOCAL] name {= | TO} value [, ...], SET [SESSION | LOCAL]
 * TIME ZONE value, and H2's SET name value (SET MODE PostgreSQL).
 */
SqlNode OrdoSet() :
{
    final Span s;
    String scope = null;
    final SqlIdentifier name;
    final SqlNode value;
}
{
    <SET> { s = span(); }
    [
        LOOKAHEAD(2) <SESSION> { scope = "SESSION"; }
    |
        LOOKAHEAD(2) <LOCAL> { scope = "LOCAL"; }
    ]
    (
        <TIME> <ZONE> { name = new SqlIdentifier("TIME ZONE", getPos()); }
        value = SetValues()
    |
        name = CompoundIdentifier()
        [ <EQ> | <TO> ]
        value = SetValues()
    )
    { return new SqlSetOption(s.end(this), scope, name, value); }
}

/** The values of a SET: the first is kept. */
SqlNode SetValues() :
{
    final SqlNode first;
}
{
    first = SetValue() ( <COMMA> SetValue() )*
    { return first; }
}

SqlNode SetValue() :
{
    final SqlNode e;
}
{
    (
        e = StringLiteral()
    |
        e = NumericLiteral()
    |
        <ON> { e = SqlLiteral.createCharString("ON", getPos()); }
    |
        <DEFAULT_> { e = SqlLiteral.createCharString("DEFAULT", getPos()); }
    |
        <TRUE> { e = SqlLiteral.createBoolean(true, getPos()); }
    |
        <FALSE> { e = SqlLiteral.createBoolean(false, getPos()); }
    |
        e = CompoundIdentifier()
    )
    { return e; }
}

/** SHOW name | ALL | TIME ZONE | TRANSACTION ISOLATION LEVEL. */
SqlNode OrdoShow() :
{
    final Span s;
    final String name;
    final SqlIdentifier id;
}
{
    <SHOW> { s = span(); }
    (
        <ALL> { name = "ALL"; }
    |
        <TIME> <ZONE> { name = "TIME ZONE"; }
    |
        <TRANSACTION> <ISOLATION> <LEVEL> { name = "TRANSACTION ISOLATION LEVEL"; }
    |
        id = CompoundIdentifier() { name = id.toString(); }
    )
    { return new ShowSetting(s.end(this), name); }
}

/* ------------------------------------------------------------------------
 * Expressions
 * ------------------------------------------------------------------------ */

/** PostgreSQL's cast: expression::type. */
void InfixCast(List<Object> list, ExprContext exprContext, Span s) :
{
    final SqlDataTypeSpec type;
}
{
    <INFIX_CAST> {
        checkNonQueryExpression(exprContext);
    }
    type = ColumnType() {
        list.add(
            new SqlParserUtil.ToTreeListItem(SqlLibraryOperators.INFIX_CAST,
                s.pos()));
        list.add(type);
    }
}

/**
 * PostgreSQL's JSON and array operators (->, ->>, #>, #>>, @>, the reverse
 * of @>, &&) and AT TIME ZONE.
 */
void PgBinaryOperator(List<Object> list, ExprContext exprContext, Span s) :
{
    final SqlOperator op;
}
{
    (
        <LAMBDA> { op = PgOperators.JSON_GET; }
    |
        <JSON_GET_TEXT> { op = PgOperators.JSON_GET_TEXT; }
    |
        <JSON_PATH> { op = PgOperators.JSON_PATH; }
    |
        <JSON_PATH_TEXT> { op = PgOperators.JSON_PATH_TEXT; }
    |
        <CONTAINS_OP> { op = PgOperators.CONTAINS; }
    |
        <CONTAINED_BY> { op = PgOperators.CONTAINED_BY; }
    |
        <OVERLAPS_OP> { op = PgOperators.OVERLAPS; }
    |
        <AT> <TIME> <ZONE> { op = PgOperators.AT_TIME_ZONE; }
    )
    {
        checkNonQueryExpression(exprContext);
        list.add(new SqlParserUtil.ToTreeListItem(op, getPos()));
    }
    AddExpression2b(list, ExprContext.ACCEPT_SUB_QUERY)
}

/**
 * PostgreSQL's interval literal with its unit inside the string,
 * INTERVAL '1 day', read as a character literal (classification needs no
 * value); with a qualifier after the string it is Calcite's interval literal.
 */
SqlNode PgIntervalLiteral() :
{
    final String p;
    final SqlIntervalQualifier qualifier;
    final Span s;
}
{
    <PG_INTERVAL> {
        s = span();
        p = SqlParserUtil.parseString(token.image.substring(token.image.indexOf('\'')));
    }
    (
        qualifier = IntervalQualifier() {
            return SqlParserUtil.parseIntervalLiteral(s.end(qualifier), 1, p, qualifier);
        }
    |
        { return SqlLiteral.createCharString(p, s.end(this)); }
    )
}

/* Tokens of the forms above that are not words. */
<DEFAULT, DQID, BTID> TOKEN :
{
    < NEGATE: "!" >
|   < TILDE: "~" >
|   < PG_INTERVAL: "INTERVAL" ([" ", "\t", "\n", "\r"])+ <QUOTED_STRING> >
}
