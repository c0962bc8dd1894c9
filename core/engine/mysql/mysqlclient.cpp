// The MariaDB client helpers several of the engine's files share (mysqlclient.h).
#include "engine/mysql/mysqlclient.h"

#include <cstring>
#include <errmsg.h>

namespace cockpit::mysqlinternal {

QString myError(MYSQL *conn) { return QString::fromUtf8(mysql_error(conn)).simplified(); }

Status myRun(MYSQL *conn, const QString &sql, const QString &what)
{
    const QByteArray utf8 = sql.toUtf8();
    if (mysql_real_query(conn, utf8.constData(), utf8.size()) != 0)
        return makeError(what + QStringLiteral(": ") + myError(conn), sql);
    if (MYSQL_RES *r = mysql_store_result(conn))
        mysql_free_result(r);
    return {};
}

Result<Rows> myRows(MYSQL *conn, const QString &sql)
{
    const QByteArray utf8 = sql.toUtf8();
    if (mysql_real_query(conn, utf8.constData(), utf8.size()) != 0)
        return makeError(myError(conn), sql);
    MYSQL_RES *r = mysql_store_result(conn);
    if (!r) {
        if (mysql_field_count(conn) != 0)
            return makeError(myError(conn), sql);
        return Rows();
    }
    Rows out;
    const unsigned int n = mysql_num_fields(r);
    while (MYSQL_ROW row = mysql_fetch_row(r)) {
        const unsigned long *lengths = mysql_fetch_lengths(r);
        QStringList fields;
        for (unsigned int i = 0; i < n; ++i)
            fields << (row[i] ? QString::fromUtf8(row[i], qsizetype(lengths[i])) : QString());
        out << fields;
    }
    mysql_free_result(r);
    return out;
}

QString literal(const QString &s)
{
    QString q = s;
    q.replace(u'\'', QStringLiteral("''"));
    return u'\'' + q + u'\'';
}

std::vector<TypeClass> classesOf(const TableSchema &t)
{
    std::vector<TypeClass> out;
    for (const auto &c : t.columns)
        out.push_back(c.type.cls);
    return out;
}

namespace {

int localInit(void **ptr, const char *name, void *userdata)
{
    *ptr = userdata;
    return userdata && std::strcmp(name, kLocalStreamName) == 0 ? 0 : 1;
}

int localRead(void *ptr, char *buf, unsigned int size)
{
    return ptr ? int(static_cast<LocalStream *>(ptr)->read(buf, size)) : -1;
}

void localEnd(void *) {}

int localError(void *ptr, char *msg, unsigned int size)
{
    std::strncpy(msg, ptr ? "the copy's row stream failed" : "this session sends no local file to the server", size - 1);
    msg[size - 1] = 0;
    return CR_UNKNOWN_ERROR;
}

} // namespace

void refuseLocalFiles(MYSQL *conn) { mysql_set_local_infile_handler(conn, localInit, localRead, localEnd, localError, nullptr); }

Result<bool> canLoadLocal(MYSQL *conn)
{
    if (!(conn->client_flag & CLIENT_LOCAL_FILES))
        return false;
    auto on = myRows(conn, QStringLiteral("SELECT @@local_infile"));
    if (!on)
        return on.error();
    return on->value(0).value(0) == QLatin1String("1");
}

int loadLocal(MYSQL *conn, const QByteArray &sql, LocalStream &stream)
{
    mysql_set_local_infile_handler(conn, localInit, localRead, localEnd, localError, &stream);
    const int rc = mysql_real_query(conn, sql.constData(), (unsigned long)sql.size());
    refuseLocalFiles(conn);
    return rc;
}

} // namespace cockpit::mysqlinternal
