#pragma once
// README "Type mapping", one case per source type: the type as each engine's introspection
// sees it, the engine-neutral class it becomes, and the type created for it on each target.
// One table for all units, so that it reads like the README: tests/core/engine/columntype_test.cpp
// checks the classes and the SQLite and MariaDB names, tests/core/engine/postgres/pgtypes_test.cpp
// the PostgreSQL names. A target of the source's own engine keeps the source's declaration.

#include "engine/columntype.h"

#include <QString>
#include <QtGlobal>
#include <ostream>
#include <string>
#include <vector>

namespace cockpit::test {

// A source column's type as introspection reads it.
struct SourceType {
    EngineKind engine = EngineKind::SQLite;
    const char *type = "";  // SQLite: the declared type; PostgreSQL: format_type; MariaDB: COLUMN_TYPE
    const char *name = "";  // PostgreSQL: pg_type.typname (a domain's base type); MariaDB: DATA_TYPE
    int typmod = -1;        // PostgreSQL: atttypmod (a domain's typtypmod)
    qint64 charLength = -1; // MariaDB: CHARACTER_MAXIMUM_LENGTH
    int precision = -1;     // MariaDB: NUMERIC_PRECISION
    int scale = -1;         // MariaDB: NUMERIC_SCALE
    bool userType = false;  // PostgreSQL: a type outside pg_catalog (domain), mapped by class
};

inline SourceType fromSqlite(const char *declared) { return {EngineKind::SQLite, declared}; }
inline SourceType fromPg(const char *typname, int typmod, const char *formatted)
{
    return {EngineKind::PostgreSQL, formatted, typname, typmod};
}
// A domain: introspection reads its base type with the domain's typmod and forgets its name.
inline SourceType fromPgDomain(const char *baseTypname, int typmod, const char *domain)
{
    SourceType s = fromPg(baseTypname, typmod, domain);
    s.userType = true;
    return s;
}
inline SourceType fromMariaDb(const char *dataType, const char *columnType, qint64 charLength = -1,
                              int precision = -1, int scale = -1)
{
    return {EngineKind::MySQL, columnType, dataType, -1, charLength, precision, scale};
}
// PostgreSQL's atttypmod of numeric(p,s) and varchar(n) / character(n).
constexpr int numericTypmod(int precision, int scale) { return ((precision << 16) | scale) + 4; }
constexpr int lengthTypmod(int length) { return length + 4; }

// The neutral class and its parameters (-1: none).
struct Neutral {
    TypeClass cls = TypeClass::Unknown;
    int length = -1;
    int precision = -1;
    int scale = -1;
};

struct TypeMappingCase {
    const char *row; // the README row: its first column
    SourceType from;
    Neutral as;
    const char *toPostgres;
    const char *toMariaDb;    // a plain column
    const char *toMariaDbKey; // a column of the primary key or an index
    const char *toSqlite;
};

// The ColumnType introspection gives the source column.
inline ColumnType introspected(const SourceType &s)
{
    switch (s.engine) {
    case EngineKind::SQLite: return sqliteColumnType(QString::fromUtf8(s.type));
    case EngineKind::PostgreSQL: {
        ColumnType t = postgresColumnType(QString::fromUtf8(s.name), s.typmod, QString::fromUtf8(s.type));
        if (s.userType)
            t.native.clear(); // as pgintrospect.cpp does for types outside pg_catalog
        return t;
    }
    case EngineKind::MySQL:
        return mysqlColumnType(QString::fromUtf8(s.name), QString::fromUtf8(s.type), s.charLength, s.precision, s.scale);
    }
    return {};
}

inline const char *className(TypeClass c)
{
    switch (c) {
    case TypeClass::Boolean: return "Boolean";
    case TypeClass::SmallInt: return "SmallInt";
    case TypeClass::Integer: return "Integer";
    case TypeClass::BigInt: return "BigInt";
    case TypeClass::Float32: return "Float32";
    case TypeClass::Float64: return "Float64";
    case TypeClass::Numeric: return "Numeric";
    case TypeClass::Char: return "Char";
    case TypeClass::VarChar: return "VarChar";
    case TypeClass::Text: return "Text";
    case TypeClass::Blob: return "Blob";
    case TypeClass::Date: return "Date";
    case TypeClass::Time: return "Time";
    case TypeClass::Timestamp: return "Timestamp";
    case TypeClass::TimestampTz: return "TimestampTz";
    case TypeClass::Uuid: return "Uuid";
    case TypeClass::Json: return "Json";
    case TypeClass::Unknown: return "Unknown";
    }
    return "?";
}

// The README row a class belongs to (a copy there and back may change the class within its row:
// CHAR(n) comes back as varchar(n), timestamptz from MariaDB as a timestamp).
inline std::string readmeRowOf(TypeClass c)
{
    switch (c) {
    case TypeClass::SmallInt:
    case TypeClass::Integer:
    case TypeClass::BigInt: return "integer";
    case TypeClass::Boolean: return "boolean";
    case TypeClass::Float32:
    case TypeClass::Float64: return "double";
    case TypeClass::Numeric: return "exact decimal";
    case TypeClass::Char:
    case TypeClass::VarChar:
    case TypeClass::Text: return "text";
    case TypeClass::Blob: return "binary";
    case TypeClass::Date:
    case TypeClass::Time:
    case TypeClass::Timestamp:
    case TypeClass::TimestampTz: return "date / time";
    case TypeClass::Uuid:
    case TypeClass::Json: return "other";
    case TypeClass::Unknown: return "unknown";
    }
    return "?";
}

inline const char *engineLabel(EngineKind k)
{
    return k == EngineKind::SQLite ? "SQLite" : k == EngineKind::PostgreSQL ? "PostgreSQL" : "MariaDB";
}

inline void PrintTo(const TypeMappingCase &c, std::ostream *os)
{
    *os << "README row \"" << c.row << "\", from " << engineLabel(c.from.engine) << " " << c.from.type;
}

// "integer_SQLite_INTEGER_0": a test name for the case at `index`.
inline std::string typeMappingCaseName(const TypeMappingCase &c, size_t index)
{
    std::string name = std::string(c.row) + '_' + engineLabel(c.from.engine) + '_' + c.from.type + '_'
                       + std::to_string(index);
    for (char &ch : name)
        if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9')))
            ch = '_';
    return name;
}

// Every row of the README table, from each of the three engines. Where a cell names several
// types (`INTEGER`, `BIGINT`, ...), each has its case; cases marked "beyond the README" pin what
// the code does where the README says nothing.
inline const std::vector<TypeMappingCase> &typeMappingCases()
{
    using C = TypeClass;
    static const std::vector<TypeMappingCase> cases{
        // --- integer: SQLite integers are 64-bit, bigint. (SQLite's INT, MEDIUMINT, SMALLINT and
        // TINYINT are not: columntype_test.cpp's DISABLED_SqliteIntegersOfEveryNameAreBigint.)
        {"integer", fromSqlite("INTEGER"), {C::BigInt}, "bigint", "bigint", "bigint", "INTEGER"},
        {"integer", fromSqlite("BIGINT"), {C::BigInt}, "bigint", "bigint", "bigint", "BIGINT"},
        {"integer", fromSqlite("UNSIGNED BIG INT"), {C::BigInt}, "bigint", "bigint", "bigint", "UNSIGNED BIG INT"},
        {"integer", fromSqlite("intege"), {C::BigInt}, "bigint", "bigint", "bigint", "intege"}, // anything containing INT
        {"integer", fromSqlite("BIGINT(20)"), {C::BigInt}, "bigint", "bigint", "bigint", "BIGINT(20)"},
        {"integer", fromPg("int2", -1, "smallint"), {C::SmallInt}, "smallint", "smallint", "smallint", "INTEGER"},
        {"integer", fromPg("int4", -1, "integer"), {C::Integer}, "integer", "int", "int", "INTEGER"},
        {"integer", fromPg("int8", -1, "bigint"), {C::BigInt}, "bigint", "bigint", "bigint", "INTEGER"},
        {"integer", fromMariaDb("smallint", "smallint(6)"), {C::SmallInt}, "smallint", "smallint(6)", "smallint(6)", "INTEGER"},
        {"integer", fromMariaDb("mediumint", "mediumint(9)"), {C::Integer}, "integer", "mediumint(9)", "mediumint(9)", "INTEGER"},
        {"integer", fromMariaDb("int", "int(11)"), {C::Integer}, "integer", "int(11)", "int(11)", "INTEGER"},
        {"integer", fromMariaDb("bigint", "bigint(20)"), {C::BigInt}, "bigint", "bigint(20)", "bigint(20)", "INTEGER"},
        // unsigned bigint passes int64: an exact decimal
        {"integer", fromMariaDb("bigint", "bigint(20) unsigned", -1, 20, 0), {C::Numeric, -1, 20, 0}, "numeric(20,0)",
         "bigint(20) unsigned", "bigint(20) unsigned", "NUMERIC_BLOB(20,0)"},
        // beyond the README: unsigned types widen to the next class that holds them; tinyint(n)
        // other than tinyint(1), and an unsigned tinyint(1) (0..255), are integers
        {"integer", fromMariaDb("int", "int(10) unsigned"), {C::BigInt}, "bigint", "int(10) unsigned", "int(10) unsigned", "INTEGER"},
        {"integer", fromMariaDb("smallint", "smallint(5) unsigned"), {C::Integer}, "integer", "smallint(5) unsigned",
         "smallint(5) unsigned", "INTEGER"},
        {"integer", fromMariaDb("tinyint", "tinyint(4)"), {C::SmallInt}, "smallint", "tinyint(4)", "tinyint(4)", "INTEGER"},
        {"integer", fromMariaDb("tinyint", "tinyint(1) unsigned"), {C::SmallInt}, "smallint", "tinyint(1) unsigned",
         "tinyint(1) unsigned", "INTEGER"},

        // --- boolean
        {"boolean", fromSqlite("BOOLEAN"), {C::Boolean}, "boolean", "tinyint(1)", "tinyint(1)", "BOOLEAN"},
        {"boolean", fromPg("bool", -1, "boolean"), {C::Boolean}, "boolean", "tinyint(1)", "tinyint(1)", "BOOLEAN"},
        {"boolean", fromMariaDb("tinyint", "tinyint(1)"), {C::Boolean}, "boolean", "tinyint(1)", "tinyint(1)", "BOOLEAN"},

        // --- double: never narrowed; a single-precision source stays single
        {"double", fromSqlite("REAL"), {C::Float64}, "double precision", "double", "double", "REAL"},
        {"double", fromSqlite("DOUBLE"), {C::Float64}, "double precision", "double", "double", "DOUBLE"},
        {"double", fromSqlite("FLOAT"), {C::Float64}, "double precision", "double", "double", "FLOAT"},
        {"double", fromPg("float8", -1, "double precision"), {C::Float64}, "double precision", "double", "double", "REAL"},
        {"double", fromPg("float4", -1, "real"), {C::Float32}, "real", "float", "float", "REAL"},
        {"double", fromMariaDb("double", "double"), {C::Float64}, "double precision", "double", "double", "REAL"},
        {"double", fromMariaDb("float", "float"), {C::Float32}, "real", "float", "float", "REAL"},

        // --- exact decimal: on SQLite NUMERIC(p,s) up to 15 digits (a double's), wider
        // NUMERIC_BLOB(p,s), without precision NUMERIC_BLOB; on MariaDB without precision decimal(65,30)
        {"exact decimal", fromSqlite("NUMERIC(12,2)"), {C::Numeric, -1, 12, 2}, "numeric(12,2)", "decimal(12,2)",
         "decimal(12,2)", "NUMERIC(12,2)"},
        {"exact decimal", fromSqlite("DECIMAL(28,12)"), {C::Numeric, -1, 28, 12}, "numeric(28,12)", "decimal(28,12)",
         "decimal(28,12)", "DECIMAL(28,12)"},
        {"exact decimal", fromSqlite("DECIMAL(10)"), {C::Numeric, -1, 10, 0}, "numeric(10,0)", "decimal(10,0)",
         "decimal(10,0)", "DECIMAL(10)"},
        {"exact decimal", fromSqlite("NUMERIC"), {C::Numeric}, "numeric", "decimal(65,30)", "decimal(65,30)", "NUMERIC"},
        {"exact decimal", fromSqlite("MONEYISH"), {C::Numeric}, "numeric", "decimal(65,30)", "decimal(65,30)", "MONEYISH"}, // unknown name
        {"exact decimal", fromPg("numeric", numericTypmod(12, 2), "numeric(12,2)"), {C::Numeric, -1, 12, 2}, "numeric(12,2)",
         "decimal(12,2)", "decimal(12,2)", "NUMERIC(12,2)"},
        {"exact decimal", fromPg("numeric", numericTypmod(15, 3), "numeric(15,3)"), {C::Numeric, -1, 15, 3}, "numeric(15,3)",
         "decimal(15,3)", "decimal(15,3)", "NUMERIC(15,3)"},
        {"exact decimal", fromPg("numeric", numericTypmod(16, 3), "numeric(16,3)"), {C::Numeric, -1, 16, 3}, "numeric(16,3)",
         "decimal(16,3)", "decimal(16,3)", "NUMERIC_BLOB(16,3)"},
        {"exact decimal", fromPg("numeric", -1, "numeric"), {C::Numeric}, "numeric", "decimal(65,30)", "decimal(65,30)",
         "NUMERIC_BLOB"},
        {"exact decimal", fromPgDomain("numeric", numericTypmod(12, 3), "positive_amount"), {C::Numeric, -1, 12, 3},
         "numeric(12,3)", "decimal(12,3)", "decimal(12,3)", "NUMERIC(12,3)"},
        // beyond the README: MariaDB's decimal ends at 65 digits, 30 of them after the point
        {"exact decimal", fromPg("numeric", numericTypmod(80, 40), "numeric(80,40)"), {C::Numeric, -1, 80, 40},
         "numeric(80,40)", "decimal(65,30)", "decimal(65,30)", "NUMERIC_BLOB(80,40)"},
        {"exact decimal", fromMariaDb("decimal", "decimal(12,2)", -1, 12, 2), {C::Numeric, -1, 12, 2}, "numeric(12,2)",
         "decimal(12,2)", "decimal(12,2)", "NUMERIC(12,2)"},
        {"exact decimal", fromMariaDb("decimal", "decimal(30,10)", -1, 30, 10), {C::Numeric, -1, 30, 10}, "numeric(30,10)",
         "decimal(30,10)", "decimal(30,10)", "NUMERIC_BLOB(30,10)"},

        // --- text: CHAR(n) becomes varchar(n) on the servers (nothing padded); unbounded text is
        // longtext on MariaDB, varchar(255) in a key
        {"text", fromSqlite("VARCHAR(40)"), {C::VarChar, 40}, "varchar(40)", "varchar(40)", "varchar(40)", "VARCHAR(40)"},
        {"text", fromSqlite("NVARCHAR(20)"), {C::VarChar, 20}, "varchar(20)", "varchar(20)", "varchar(20)", "NVARCHAR(20)"},
        {"text", fromSqlite("VARCHAR"), {C::Text}, "text", "longtext", "varchar(255)", "VARCHAR"},
        {"text", fromSqlite("CHAR(3)"), {C::Char, 3}, "varchar(3)", "varchar(3)", "varchar(3)", "CHAR(3)"},
        {"text", fromSqlite("TEXT"), {C::Text}, "text", "longtext", "varchar(255)", "TEXT"},
        {"text", fromSqlite("CLOB"), {C::Text}, "text", "longtext", "varchar(255)", "CLOB"},
        // beyond the README: past 16383 characters (MariaDB's row limit in utf8mb4) longtext;
        // a key holds at most 768 (InnoDB's 3072-byte index prefix)
        {"text", fromSqlite("VARCHAR(20000)"), {C::VarChar, 20000}, "varchar(20000)", "longtext", "varchar(768)",
         "VARCHAR(20000)"},
        {"text", fromPg("varchar", lengthTypmod(40), "character varying(40)"), {C::VarChar, 40}, "character varying(40)",
         "varchar(40)", "varchar(40)", "VARCHAR(40)"},
        {"text", fromPg("varchar", -1, "character varying"), {C::Text}, "character varying", "longtext", "varchar(255)", "TEXT"},
        {"text", fromPg("bpchar", lengthTypmod(10), "character(10)"), {C::Char, 10}, "character(10)", "varchar(10)",
         "varchar(10)", "CHAR(10)"},
        {"text", fromPg("text", -1, "text"), {C::Text}, "text", "longtext", "varchar(255)", "TEXT"},
        // arrays and tsvector as their text form (PostgreSQL to PostgreSQL keeps them)
        {"text", fromPg("_int4", -1, "integer[]"), {C::Text}, "integer[]", "longtext", "varchar(255)", "TEXT"},
        {"text", fromPg("_text", -1, "text[]"), {C::Text}, "text[]", "longtext", "varchar(255)", "TEXT"},
        {"text", fromPg("tsvector", -1, "tsvector"), {C::Text}, "tsvector", "longtext", "varchar(255)", "TEXT"},
        {"text", fromPgDomain("text", -1, "short_text"), {C::Text}, "text", "longtext", "varchar(255)", "TEXT"},
        {"text", fromPgDomain("varchar", lengthTypmod(8), "code"), {C::VarChar, 8}, "varchar(8)", "varchar(8)", "varchar(8)",
         "VARCHAR(8)"},
        {"text", fromMariaDb("char", "char(10)", 10), {C::Char, 10}, "varchar(10)", "char(10)", "char(10)", "CHAR(10)"},
        {"text", fromMariaDb("varchar", "varchar(30)", 30), {C::VarChar, 30}, "varchar(30)", "varchar(30)", "varchar(30)",
         "VARCHAR(30)"},
        {"text", fromMariaDb("text", "text", 65535), {C::Text}, "text", "text", "text", "TEXT"},
        {"text", fromMariaDb("mediumtext", "mediumtext", 16777215), {C::Text}, "text", "mediumtext", "mediumtext", "TEXT"},
        {"text", fromMariaDb("longtext", "longtext", 4294967295LL), {C::Text}, "text", "longtext", "longtext", "TEXT"},
        // enum and set: varchar as long as the column's longest value
        {"text", fromMariaDb("enum", "enum('sad','ok','very happy')", 10), {C::VarChar, 10}, "varchar(10)",
         "enum('sad','ok','very happy')", "enum('sad','ok','very happy')", "VARCHAR(10)"},
        {"text", fromMariaDb("set", "set('a','b')", 3), {C::VarChar, 3}, "varchar(3)", "set('a','b')", "set('a','b')",
         "VARCHAR(3)"},

        // --- binary (beyond the README: varbinary(255) in a MariaDB key)
        {"binary", fromSqlite("BLOB"), {C::Blob}, "bytea", "longblob", "varbinary(255)", "BLOB"},
        {"binary", fromSqlite(""), {C::Blob}, "bytea", "longblob", "varbinary(255)", "BLOB"}, // no type
        {"binary", fromPg("bytea", -1, "bytea"), {C::Blob}, "bytea", "longblob", "varbinary(255)", "BLOB"},
        {"binary", fromMariaDb("blob", "blob", 65535), {C::Blob}, "bytea", "blob", "blob", "BLOB"},
        {"binary", fromMariaDb("longblob", "longblob", 4294967295LL), {C::Blob}, "bytea", "longblob", "longblob", "BLOB"},
        {"binary", fromMariaDb("binary", "binary(16)", 16), {C::Blob}, "bytea", "binary(16)", "binary(16)", "BLOB"},
        {"binary", fromMariaDb("varbinary", "varbinary(255)", 255), {C::Blob}, "bytea", "varbinary(255)", "varbinary(255)",
         "BLOB"},

        // --- date / time: microseconds on MariaDB; its timestamp is a point in time (timestamptz)
        {"date / time", fromSqlite("DATE"), {C::Date}, "date", "date", "date", "DATE"},
        {"date / time", fromSqlite("TIME"), {C::Time}, "time", "time(6)", "time(6)", "TIME"},
        {"date / time", fromSqlite("DATETIME"), {C::Timestamp}, "timestamp", "datetime(6)", "datetime(6)", "DATETIME"},
        {"date / time", fromSqlite("TIMESTAMP"), {C::Timestamp}, "timestamp", "datetime(6)", "datetime(6)", "TIMESTAMP"},
        {"date / time", fromPg("date", -1, "date"), {C::Date}, "date", "date", "date", "DATE"},
        {"date / time", fromPg("time", -1, "time without time zone"), {C::Time}, "time without time zone", "time(6)",
         "time(6)", "TIME"},
        {"date / time", fromPg("timestamp", -1, "timestamp without time zone"), {C::Timestamp},
         "timestamp without time zone", "datetime(6)", "datetime(6)", "DATETIME"},
        {"date / time", fromPg("timestamptz", -1, "timestamp with time zone"), {C::TimestampTz}, "timestamp with time zone",
         "datetime(6)", "datetime(6)", "TIMESTAMPTZ"},
        {"date / time", fromMariaDb("date", "date"), {C::Date}, "date", "date", "date", "DATE"},
        {"date / time", fromMariaDb("time", "time(6)"), {C::Time}, "time", "time(6)", "time(6)", "TIME"},
        {"date / time", fromMariaDb("datetime", "datetime(6)"), {C::Timestamp}, "timestamp", "datetime(6)", "datetime(6)",
         "DATETIME"},
        {"date / time", fromMariaDb("timestamp", "timestamp(6)"), {C::TimestampTz}, "timestamptz", "timestamp(6)",
         "timestamp(6)", "TIMESTAMPTZ"},

        // --- other: uuid and json; text where the target has no such type
        {"other", fromSqlite("UUID"), {C::Uuid}, "uuid", "char(36)", "char(36)", "UUID"},
        {"other", fromSqlite("JSON"), {C::Json}, "json", "longtext", "varchar(255)", "JSON"},
        {"other", fromPg("uuid", -1, "uuid"), {C::Uuid}, "uuid", "char(36)", "char(36)", "TEXT"},
        {"other", fromPg("json", -1, "json"), {C::Json}, "json", "longtext", "varchar(255)", "TEXT"},
        {"other", fromPg("jsonb", -1, "jsonb"), {C::Json}, "jsonb", "longtext", "varchar(255)", "TEXT"},
        {"other", fromMariaDb("json", "json"), {C::Json}, "json", "json", "json", "TEXT"},
    };
    return cases;
}

// The cases whose source is another engine than `engine`: what a copy to `engine` reads back.
inline std::vector<TypeMappingCase> typeMappingCasesNotFrom(EngineKind engine)
{
    std::vector<TypeMappingCase> out;
    for (const TypeMappingCase &c : typeMappingCases())
        if (c.from.engine != engine)
            out.push_back(c);
    return out;
}

} // namespace cockpit::test
