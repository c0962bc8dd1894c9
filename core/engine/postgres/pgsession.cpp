#include "engine/postgres/pgsession.h"

namespace cockpit::pginternal {

QString pgError(PGconn *conn, PGresult *r)
{
    const char *m = r ? PQresultErrorMessage(r) : PQerrorMessage(conn);
    return QString::fromUtf8(m && *m ? m : PQerrorMessage(conn)).simplified();
}

// Runs `sql` with text parameters; errors carry the statement.
Result<PgResult> pgExec(PGconn *conn, const QString &sql, const QStringList &params)
{
    const QByteArray utf8 = sql.toUtf8();
    std::vector<QByteArray> values;
    std::vector<const char *> pointers;
    for (const auto &p : params) {
        values.push_back(p.toUtf8());
    }
    for (const auto &v : values)
        pointers.push_back(v.constData());
    PgResult r(params.isEmpty() ? PQexec(conn, utf8.constData())
                                : PQexecParams(conn, utf8.constData(), int(pointers.size()), nullptr,
                                               pointers.data(), nullptr, nullptr, 0));
    const auto status = PQresultStatus(r.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
        return makeError(pgError(conn, r.get()), sql);
    return r;
}

QString textArray(const QStringList &values)
{
    QStringList quoted;
    for (QString v : values) {
        v.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
        quoted << u'"' + v + u'"';
    }
    return u'{' + quoted.join(u',') + u'}';
}

Status pgRun(PGconn *conn, const QString &sql, const QString &what, const QStringList &params)
{
    auto r = pgExec(conn, sql, params);
    if (!r)
        return makeError(what + QStringLiteral(": ") + r.error().message, sql);
    return {};
}

void abandonCopyOut(PGconn *conn)
{
    if (PGcancel *c = PQgetCancel(conn)) {
        char e[256];
        PQcancel(c, e, sizeof e);
        PQfreeCancel(c);
    }
    char *buf = nullptr;
    while (PQgetCopyData(conn, &buf, 0) > 0)
        PQfreemem(buf);
    while (PGresult *r = PQgetResult(conn))
        PQclear(r);
}

QString copyResultError(PGconn *conn)
{
    PgResult r(PQgetResult(conn));
    const bool ok = PQresultStatus(r.get()) == PGRES_COMMAND_OK;
    const QString error = ok ? QString() : pgError(conn, r.get());
    while (PGresult *more = PQgetResult(conn))
        PQclear(more);
    return error;
}

Status endCopyOut(PGconn *conn)
{
    if (const QString error = copyResultError(conn); !error.isEmpty())
        return makeError(QStringLiteral("reading rows failed: ") + error);
    return {};
}

} // namespace cockpit::pginternal
