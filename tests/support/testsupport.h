#pragma once
// Shared helpers for core and end-to-end tests. The equality check reads both databases
// with the sqlite3 C API and plain SQL, independently of the code under test.

#include "engine/schema.h"
#include "plan/plan.h"
#include "run/upgraderun.h"

#include <QString>
#include <QStringList>
#include <QVector>

#include <ostream>

// Readable QString values in GoogleTest failure messages.
inline void PrintTo(const QString &s, std::ostream *os) { *os << '"' << s.toStdString() << '"'; }
inline void PrintTo(const QStringList &l, std::ostream *os) { *os << '[' << l.join(QStringLiteral(", ")).toStdString() << ']'; }

namespace cockpit::test {

// Differences between every table of `sourceDb` and the same table in `targetDb`, compared
// as multisets of rows with SQL (EXCEPT over GROUP BY all columns). Empty: identical.
QStringList tableDifferences(const QString &sourceDb, const QString &targetDb);

// Runs a query returning one integer on an SQLite file.
qint64 queryInt(const QString &db, const QString &sql);
QStringList queryStrings(const QString &db, const QString &sql);
void execSqlite(const QString &db, const QString &sql);

// A column of the column model for DDL tests; keyPosition > 0: that place in the primary key (NOT NULL).
ColumnSchema testColumn(const QString &name, const ColumnType &type, int keyPosition = 0);

// Opens the plan in `run` and waits (event loop) for opened(); returns the error or "".
QString openAndWait(UpgradeRun &run, const Plan &plan, int timeoutMs = 60000);
// Presses Run and waits for finished(); false on timeout.
bool runToEnd(UpgradeRun &run, int timeoutMs = 300000);
// Presses Run and waits until nothing more can run: no task Ready or Executing, and every
// Waiting one held by a failed or blocked task (finalize waits for a failed task forever).
bool runUntilSettled(UpgradeRun &run, int timeoutMs = 120000);
// Spins the event loop until `condition` holds; false on timeout.
bool waitUntil(const std::function<bool()> &condition, int timeoutMs);

// Requests `action` on `task` and waits for the run's answer: (accepted, reason).
std::pair<bool, QString> requestAndWait(UpgradeRun &run, TaskAction action, const QString &task, bool withDependents = false);

// The current view of one task (by exact name); a default TaskView if unknown.
TaskView taskView(const UpgradeRun &run, const QString &name);
QVector<TaskView> allTasks(const UpgradeRun &run);

// A schema of its own on the test PostgreSQL server (COCKPIT_TEST_PG_URL), dropped with
// everything in it at destruction. url() is empty when the server variable is unset.
class PgScratchSchema {
public:
    PgScratchSchema();
    ~PgScratchSchema();
    PgScratchSchema(const PgScratchSchema &) = delete;
    PgScratchSchema &operator=(const PgScratchSchema &) = delete;
    QString url() const { return m_url; } // the server's URL with ?schema=
    QString schema() const { return m_schema; }
    QString connectionName() const { return m_connection; } // a QSqlDatabase with search_path = the schema
    // Runs `sql` on the server (search_path = the schema); the error text, or "" on success.
    QString exec(const QString &sql);
    // The first column of the first row, or "error: ..." / "no row".
    QString value(const QString &sql);

private:
    QString m_url, m_schema, m_connection;
};

// A database of its own on the test MariaDB server (COCKPIT_TEST_MYSQL_URL), dropped at
// destruction. url() is empty when the server variable is unset.
class MysqlScratchDatabase {
public:
    MysqlScratchDatabase();
    ~MysqlScratchDatabase();
    MysqlScratchDatabase(const MysqlScratchDatabase &) = delete;
    MysqlScratchDatabase &operator=(const MysqlScratchDatabase &) = delete;
    QString url() const { return m_url; } // the server's URL with this database
    QString database() const { return m_database; }
    QString connectionName() const { return m_database; } // a QSqlDatabase using the database
    QString exec(const QString &sql);   // the error text, or "" on success
    QString value(const QString &sql);  // first column of the first row, or "error: ..." / "no row"

private:
    QString m_url, m_database;
};

} // namespace cockpit::test
