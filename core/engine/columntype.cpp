#include "engine/columntype.h"

#include <QRegularExpression>

namespace cockpit {

ColumnType sqliteColumnType(const QString &declared)
{
    ColumnType t;
    t.native = declared;
    static const QRegularExpression shape(
        QStringLiteral("^\\s*\"?([A-Za-z_ ]+?)\"?\\s*(?:\\(\\s*(\\d+)\\s*(?:,\\s*(-?\\d+)\\s*)?\\))?\\s*$"));
    const auto m = shape.match(declared);
    const QString name = (m.hasMatch() ? m.captured(1) : declared).trimmed().toUpper();
    const int a = m.hasMatch() && !m.captured(2).isEmpty() ? m.captured(2).toInt() : -1;
    const int b = m.hasMatch() && !m.captured(3).isEmpty() ? m.captured(3).toInt() : -1;

    // Exact names first: what upgrade sources declare.
    if (name == QLatin1String("INTEGER") || name == QLatin1String("BIGINT") || name == QLatin1String("INT8")
        || name == QLatin1String("UNSIGNED BIG INT"))
        t.cls = TypeClass::BigInt; // SQLite integers are 64-bit whatever the name
    else if (name == QLatin1String("INT") || name == QLatin1String("MEDIUMINT") || name == QLatin1String("INT4"))
        t.cls = TypeClass::Integer;
    else if (name == QLatin1String("SMALLINT") || name == QLatin1String("TINYINT") || name == QLatin1String("INT2"))
        t.cls = TypeClass::SmallInt;
    else if (name == QLatin1String("BOOLEAN") || name == QLatin1String("BOOL"))
        t.cls = TypeClass::Boolean;
    else if (name == QLatin1String("REAL") || name == QLatin1String("DOUBLE") || name == QLatin1String("DOUBLE PRECISION")
             || name == QLatin1String("FLOAT") || name == QLatin1String("FLOAT8"))
        t.cls = TypeClass::Float64; // SQLite REAL is binary64: never narrow it to float4
    else if (name == QLatin1String("NUMERIC") || name == QLatin1String("DECIMAL")) {
        t.cls = TypeClass::Numeric;
        t.precision = a;
        t.scale = a > 0 ? std::max(0, b) : -1;
    } else if (name == QLatin1String("VARCHAR") || name == QLatin1String("NVARCHAR")
               || name == QLatin1String("CHARACTER VARYING") || name == QLatin1String("VARYING CHARACTER")
               || name == QLatin1String("NATIVE CHARACTER")) {
        t.cls = a > 0 ? TypeClass::VarChar : TypeClass::Text;
        t.length = a;
    } else if (name == QLatin1String("CHAR") || name == QLatin1String("NCHAR") || name == QLatin1String("CHARACTER")) {
        t.cls = TypeClass::Char;
        t.length = a > 0 ? a : 1;
    } else if (name == QLatin1String("TEXT") || name == QLatin1String("CLOB"))
        t.cls = TypeClass::Text;
    else if (name == QLatin1String("BLOB") || name == QLatin1String("BYTEA") || name.isEmpty())
        t.cls = TypeClass::Blob;
    else if (name == QLatin1String("DATE"))
        t.cls = TypeClass::Date;
    else if (name == QLatin1String("DATETIME") || name == QLatin1String("TIMESTAMP"))
        t.cls = TypeClass::Timestamp;
    else if (name == QLatin1String("TIME"))
        t.cls = TypeClass::Time;
    else if (name == QLatin1String("UUID") || name == QLatin1String("GUID") || name == QLatin1String("UNIQUEIDENTIFIER"))
        t.cls = TypeClass::Uuid;
    else if (name == QLatin1String("JSON") || name == QLatin1String("JSONB"))
        t.cls = TypeClass::Json;
    else {
        // SQLite's affinity rules (https://www.sqlite.org/datatype3.html, 3.1), in order.
        if (name.contains(QLatin1String("INT")))
            t.cls = TypeClass::BigInt;
        else if (name.contains(QLatin1String("CHAR")) || name.contains(QLatin1String("CLOB"))
                 || name.contains(QLatin1String("TEXT")))
            t.cls = TypeClass::Text;
        else if (name.contains(QLatin1String("BLOB")))
            t.cls = TypeClass::Blob;
        else if (name.contains(QLatin1String("REAL")) || name.contains(QLatin1String("FLOA"))
                 || name.contains(QLatin1String("DOUB")))
            t.cls = TypeClass::Float64;
        else
            t.cls = TypeClass::Numeric;
    }
    return t;
}

} // namespace cockpit
