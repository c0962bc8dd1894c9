#pragma once
// SQLite has no session list: the preflight's "who else uses this database" is the set of other
// processes holding a lock on the file (a read or write transaction) or, in WAL mode, on its
// -shm file (every open connection keeps one there). Read from /proc/locks (Linux), so no
// descriptor of the file is opened: closing one would drop this process's own SQLite locks.

#include <QString>
#include <QVector>

namespace cockpit {

struct SqliteLockHolder {
    qint64 pid = 0;
    QString program; // /proc/<pid>/comm, when readable
    QString lock;    // "writing", "reading", "connected (WAL)"
};

// Other processes than this one holding a lock on `dbPath` or `dbPath`-shm, by pid; empty
// where the system does not publish its locks.
QVector<SqliteLockHolder> sqliteLockHolders(const QString &dbPath);

} // namespace cockpit
