#pragma once
// The engine-neutral column type. Introspection turns each engine's native type into one of
// these; creating a table turns it back into the target engine's type. The default mapping
// between engines is documented in README "Type mapping"; a plan can override it per column.

#include "plan/connectionurl.h"

#include <QString>
#include <optional>

namespace cockpit {

enum class TypeClass {
    Boolean,
    SmallInt,  // 16-bit
    Integer,   // 32-bit
    BigInt,    // 64-bit
    Float32,
    Float64,
    Numeric,   // exact decimal: precision/scale when declared
    Char,      // fixed length
    VarChar,   // length when declared
    Text,
    Blob,
    Date,
    Time,
    Timestamp,
    TimestampTz,
    Uuid,
    Json,
    Unknown,   // kept as text, with a warning
};

struct ColumnType {
    TypeClass cls = TypeClass::Unknown;
    int length = -1;    // Char/VarChar
    int precision = -1; // Numeric
    int scale = -1;     // Numeric
    QString native;     // as the source declares it, for messages and same-engine copies
    EngineKind nativeEngine = EngineKind::SQLite; // whose type name `native` is

    bool isInteger() const
    {
        return cls == TypeClass::SmallInt || cls == TypeClass::Integer || cls == TypeClass::BigInt;
    }
    bool isText() const { return cls == TypeClass::Char || cls == TypeClass::VarChar || cls == TypeClass::Text; }
};

// SQLite: the declared type name decides (VARCHAR(20), NUMERIC(28,12), DATETIME, ...); names
// outside the usual list fall back to SQLite's own affinity rules (INT -> integer, CHAR/CLOB/
// TEXT -> text, BLOB or none -> blob, REAL/FLOA/DOUB -> double, otherwise numeric).
ColumnType sqliteColumnType(const QString &declared);
// The SQLite type name for a column from another engine (INTEGER keeps a single integer primary
// key an alias of the rowid; decimals wider than 15 digits are NUMERIC_BLOB(p,s), BLOB affinity,
// so that SQLite keeps their digits instead of rounding them to a double).
QString sqliteTypeName(const ColumnType &type);

// A column default carried to another engine: literals (numbers, strings, NULL, TRUE/FALSE)
// and the current date/time keep their meaning; casts (PostgreSQL '::type') are stripped;
// SQLite's datetime('now') and PostgreSQL's now() become CURRENT_TIMESTAMP. SQLite's readings
// are kept where a server would read otherwise or refuse: "x" is the string 'x', a string
// default of a number column ('"0"') is the number it spells, 0/1 of a boolean is FALSE/TRUE;
// `changed` then says how it was read. Anything else returns an empty string: the caller drops
// it and says so on the task.
QString portableDefault(const QString &sql, const ColumnType &column, QString *changed = nullptr);

// PostgreSQL: from pg_type.typname and the attribute's typmod (lengths, precision, scale).
// Enums, arrays, domains over text and other types without a neutral class become Text.
ColumnType postgresColumnType(const QString &typname, int typmod, const QString &formatted);

// MySQL/MariaDB: from information_schema.COLUMNS (DATA_TYPE, COLUMN_TYPE for unsigned and
// tinyint(1), CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE; -1 when NULL).
ColumnType mysqlColumnType(const QString &dataType, const QString &columnType, qint64 charLength,
                           int precision, int scale);
// The MySQL type for a column. `keyColumn`: part of the primary key or an index, where text
// needs a bounded length (varchar(n), or varchar(255) when the source declared none).
QString mysqlTypeName(const ColumnType &type, bool keyColumn);

// A type as the plan spells it for `engine` ("numeric(12,2)", "date", "varchar(40)"), for a
// per-column override: the class it converts to, with `native` set to the text as given so the
// target creates the column exactly so. Empty when `engine` has no such type.
std::optional<ColumnType> parseTypeName(EngineKind engine, const QString &text);
// "numeric(12,2)", "date", ...: the class and its parameters, for messages.
QString describeType(const ColumnType &type);

} // namespace cockpit
