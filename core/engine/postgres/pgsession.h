#pragma once
// libpq helpers for the PostgreSQL engine's files (pg*.cpp), on the connection Qt's QPSQL
// driver exposes: statements run with text parameters and their errors, and the end of a COPY.
// Internal to core/engine/postgres.

#include "util/result.h"

#include <QString>
#include <QStringList>
#include <libpq-fe.h>
#include <utility>

namespace cockpit::pginternal {

// A PGresult owned for its scope.
class PgResult {
public:
    explicit PgResult(PGresult *r = nullptr) : m_r(r) {}
    ~PgResult() { PQclear(m_r); }
    PgResult(PgResult &&o) noexcept : m_r(o.m_r) { o.m_r = nullptr; }
    PgResult &operator=(PgResult &&o) noexcept
    {
        std::swap(m_r, o.m_r);
        return *this;
    }
    PGresult *get() const { return m_r; }
    int rows() const { return PQntuples(m_r); }
    QString text(int row, int col) const { return QString::fromUtf8(PQgetvalue(m_r, row, col)); }
    bool isNull(int row, int col) const { return PQgetisnull(m_r, row, col); }

private:
    PGresult *m_r;
};

QString pgError(PGconn *conn, PGresult *r = nullptr);

// Runs `sql` with text parameters; errors carry the statement.
Result<PgResult> pgExec(PGconn *conn, const QString &sql, const QStringList &params = {});

// `values` as one text[] literal parameter, each element quoted for the array parser.
QString textArray(const QStringList &values);

// Runs `sql` (as pgExec); an error says `what` failed.
Status pgRun(PGconn *conn, const QString &sql, const QString &what, const QStringList &params = {});

// Ends an abandoned COPY OUT so that the connection can be used (or pooled) again.
void abandonCopyOut(PGconn *conn);

// After a COPY's data (out: read to its end; in: PQputCopyEnd sent): the server's error, empty
// when it succeeded, and the connection left idle either way.
QString copyResultError(PGconn *conn);

// After PQgetCopyData said the COPY OUT is over: its outcome ("reading rows failed: ..."), and
// the connection left idle.
Status endCopyOut(PGconn *conn);

} // namespace cockpit::pginternal
