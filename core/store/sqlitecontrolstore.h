#pragma once
// The control store in an SQLite file (WAL), the default: one machine. The owner lease is an
// flock() on "<state>.lock" plus the owner row (controlstore.h).

#include "store/sqlcontrolstore.h"

namespace cockpit {

class SqliteControlStore final : public SqlControlStore {
public:
    // `path`: absolute. Creates the file unless `ifMissing` says Fail.
    static Result<std::unique_ptr<ControlStore>> open(const QString &path, IfMissing ifMissing);
    ~SqliteControlStore() override;

    Result<bool> claim(const QString &app, double staleSeconds) override;
    Status release() override;

protected:
    QSqlDatabase &db() override { return m_db; }
    QString beginStatement() const override { return QStringLiteral("BEGIN IMMEDIATE"); }
    QString returningId() const override { return {}; }
    Result<qint64> insertedId(QSqlQuery &q) override;
    QString clockSql() const override { return QStringLiteral("((julianday('now') - 2440587.5) * 86400.0)"); }

private:
    SqliteControlStore() = default;
    Status setUpSchema();

    QString m_name;
    QSqlDatabase m_db;
    int m_lockFd = -1; // the flock of claim(), while this store owns the run
};

} // namespace cockpit
