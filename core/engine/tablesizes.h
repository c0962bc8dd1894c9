#pragma once
// On-disk size of each table of a database (rows, indexes and out-of-line values), for the
// table picker of the New upgrade dialog: what the administrator weighs before ticking a table.

#include "engine/dbconnection.h"
#include "util/result.h"

#include <QHash>
#include <QString>

namespace cockpit {

// Bytes per table name, for the tables of the connection's database (PostgreSQL: of its
// schema). A SQLite library built without the dbstat table gives an empty map: sizes unknown,
// which is not an error. Runs in the thread that opened `c`.
Result<QHash<QString, qint64>> tableSizes(DbConnection &c);

} // namespace cockpit
