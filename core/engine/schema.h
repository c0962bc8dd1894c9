#pragma once
// The engine-neutral schema model: what introspection finds and what prepare/index tasks create.

#include "engine/columntype.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace cockpit {

struct ColumnSchema {
    QString name;
    QString declaredType; // as the source declares it ("VARCHAR(20)", "NUMERIC(28,12)")
    ColumnType type;      // engine-neutral, from declaredType
    bool notNull = false;
    QString defaultSql;   // empty: no default
    int primaryKeyPosition = 0; // 1-based position in the primary key, 0 if not part of it
    // Numbered by the database when a row leaves it out: SQLite's INTEGER PRIMARY KEY
    // (AUTOINCREMENT or not), a PostgreSQL identity or serial column, MySQL's AUTO_INCREMENT.
    bool identity = false;
    QString sequenceName; // PostgreSQL: the sequence behind it (pg_get_serial_sequence)
};

struct IndexSchema {
    QString name;
    bool unique = false;
    QStringList columns;  // empty for expression indexes
    QString createSql;    // the source's own statement, when the engines match
    // SQLite UNIQUE table constraint: the source's own CREATE TABLE already declares it.
    bool declaredByTable = false;
};

// ON DELETE / ON UPDATE actions are kept as SQL words: "NO ACTION", "RESTRICT", "CASCADE",
// "SET NULL", "SET DEFAULT".
struct ForeignKeySchema {
    QString name;         // the source's name, or fk_<table>_<columns> when it has none
    QStringList columns;
    QString referencedTable;
    QStringList referencedColumns;
    QString onDelete = QStringLiteral("NO ACTION");
    QString onUpdate = QStringLiteral("NO ACTION");
};

struct CheckSchema {
    QString name;         // the source's name, or ck_<table>_<n> when it has none
    QString expression;   // without CHECK and the outer parentheses, in the source's dialect
};

struct ViewSchema {
    QString name;
    QString selectSql;    // the query after AS, in the source's dialect
    // The names its CREATE VIEW declares (SQLite keeps them apart from the query; PostgreSQL
    // and MariaDB fold them into it as aliases): empty when the query names the columns.
    QStringList columns;
};

struct TableSchema {
    QString name;
    QVector<ColumnSchema> columns;
    QStringList primaryKey;
    QVector<IndexSchema> indexes; // secondary indexes only (created after the copy)
    QString createSql;            // the source's own CREATE TABLE, when the engines match
    QVector<ForeignKeySchema> foreignKeys;
    QVector<CheckSchema> checks;
    // An integer expression that orders the rows and splits them into key ranges ("rowid",
    // a quoted INTEGER PRIMARY KEY column). Empty: the table is copied in one transaction.
    QString copyKey;
    // Without a copy key: the one column (unquoted name) of the primary key, or of a unique
    // index on a NOT NULL column, whose values (text, uuid, ...) order the rows. Planning splits
    // the table at sampled values of it (Engine::sampleKeys). Empty: no such single column;
    // a composite non-integer key is not split (out of scope), the table is copied whole.
    QString sampledKey;
    // PostgreSQL: the rows live in the table's partitions. Every other table is read without
    // the rows of tables that inherit from it (FROM ONLY): each of those is copied on its own.
    bool partitioned = false;

    bool hasCopyKey() const { return !copyKey.isEmpty(); }
    bool hasSampledKey() const { return !sampledKey.isEmpty(); }
};

// What planning needs to size and split a copy.
struct TableStats {
    qint64 rows = 0;
    qint64 minKey = 0;
    qint64 maxKey = 0;
};

// Order-independent content summary: the row count and the sum (mod 2^64) of a 64-bit hash of
// every row's normalized values. Equal tables give equal checksums whatever the row order;
// a duplicated or missing row changes both.
struct TableChecksum {
    qint64 rows = 0;
    quint64 sum = 0;

    bool operator==(const TableChecksum &) const = default;
    QString toString() const;
};

} // namespace cockpit
