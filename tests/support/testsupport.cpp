#include "support/testsupport.h"

#include <QCoreApplication>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUuid>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QThread>
#include <QTimer>
#include <sqlite3.h>
#include <stdexcept>

namespace cockpit::test {

namespace {
struct Db {
    sqlite3 *h = nullptr;
    explicit Db(const QString &path)
    {
        if (sqlite3_open_v2(path.toUtf8().constData(), &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) != SQLITE_OK)
            throw std::runtime_error("cannot open " + path.toStdString());
        sqlite3_busy_timeout(h, 10000);
    }
    ~Db() { sqlite3_close(h); }
};

QString quote(const QString &s)
{
    QString q = s;
    q.replace(u'"', QStringLiteral("\"\""));
    return u'"' + q + u'"';
}

QStringList strings(sqlite3 *h, const QString &sql)
{
    sqlite3_stmt *st = nullptr;
    if (sqlite3_prepare_v2(h, sql.toUtf8().constData(), -1, &st, nullptr) != SQLITE_OK)
        throw std::runtime_error(std::string("prepare failed: ") + sqlite3_errmsg(h) + " in " + sql.toStdString());
    QStringList out;
    while (sqlite3_step(st) == SQLITE_ROW)
        out << QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    return out;
}
} // namespace

qint64 queryInt(const QString &db, const QString &sql)
{
    Db d(db);
    const QStringList r = strings(d.h, sql);
    return r.isEmpty() ? -1 : r.first().toLongLong();
}

QStringList queryStrings(const QString &db, const QString &sql)
{
    Db d(db);
    return strings(d.h, sql);
}

void execSqlite(const QString &db, const QString &sql)
{
    Db d(db);
    char *err = nullptr;
    if (sqlite3_exec(d.h, sql.toUtf8().constData(), nullptr, nullptr, &err) != SQLITE_OK) {
        const std::string e = err ? err : "?";
        sqlite3_free(err);
        throw std::runtime_error("exec failed: " + e);
    }
}

QStringList tableDifferences(const QString &sourceDb, const QString &targetDb)
{
    Db d(targetDb);
    char *err = nullptr;
    const QString attach = QStringLiteral("ATTACH DATABASE '%1' AS src").arg(QString(sourceDb).replace(u'\'', QStringLiteral("''")));
    if (sqlite3_exec(d.h, attach.toUtf8().constData(), nullptr, nullptr, &err) != SQLITE_OK) {
        sqlite3_free(err);
        return {QStringLiteral("cannot attach the source")};
    }
    QStringList diffs;
    const QStringList tables = strings(d.h, QStringLiteral("SELECT name FROM src.sqlite_master WHERE type='table' "
                                                           "AND name NOT LIKE 'sqlite_%' ORDER BY name"));
    for (const QString &t : tables) {
        const QStringList cols = strings(d.h, QStringLiteral("SELECT name FROM pragma_table_info('%1', 'src')")
                                                  .arg(QString(t).replace(u'\'', QStringLiteral("''"))));
        QStringList quoted;
        for (const auto &c : cols)
            quoted << quote(c);
        const QString exists = QStringLiteral("SELECT count(*) FROM main.sqlite_master WHERE type='table' AND name='%1'")
                                   .arg(QString(t).replace(u'\'', QStringLiteral("''")));
        if (strings(d.h, exists).value(0) != QLatin1String("1")) {
            diffs << QStringLiteral("%1: missing on target").arg(t);
            continue;
        }
        const QString srcCount = strings(d.h, QStringLiteral("SELECT count(*) FROM src.%1").arg(quote(t))).value(0);
        const QString tgtCount = strings(d.h, QStringLiteral("SELECT count(*) FROM main.%1").arg(quote(t))).value(0);
        if (srcCount != tgtCount) {
            diffs << QStringLiteral("%1: %2 rows on source, %3 on target").arg(t, srcCount, tgtCount);
            continue;
        }
        // Multiset difference: group identical rows with their multiplicity, then EXCEPT both ways.
        // typeof() keeps 1 and 1.0 and '1' apart.
        QStringList typed;
        for (const auto &q : quoted)
            typed << q << QStringLiteral("typeof(%1)").arg(q);
        const QString g = QStringLiteral("SELECT %1, count(*) FROM %3.%2 GROUP BY %1").arg(typed.join(u','), quote(t));
        const QString diff = QStringLiteral("SELECT count(*) FROM (%1 EXCEPT %2)").arg(g.arg(QStringLiteral("src")), g.arg(QStringLiteral("main")));
        const QString diff2 = QStringLiteral("SELECT count(*) FROM (%1 EXCEPT %2)").arg(g.arg(QStringLiteral("main")), g.arg(QStringLiteral("src")));
        const QString a = strings(d.h, diff).value(0), b = strings(d.h, diff2).value(0);
        if (a != QLatin1String("0") || b != QLatin1String("0"))
            diffs << QStringLiteral("%1: %2 row groups only on source, %3 only on target").arg(t, a, b);
    }
    return diffs;
}

std::pair<bool, QString> requestAndWait(UpgradeRun &run, TaskAction action, const QString &task, bool withDependents)
{
    bool got = false, ok = false;
    QString reason;
    auto c = QObject::connect(&run, &UpgradeRun::actionDone, [&](const QString &t, TaskAction, bool o, const QString &r) {
        if (t == task) {
            got = true;
            ok = o;
            reason = r;
        }
    });
    run.request(action, {task}, withDependents);
    if (!waitUntil([&] { return got; }, 10000))
        reason = QStringLiteral("no answer for ") + task;
    QObject::disconnect(c);
    return {ok, reason};
}

bool runUntilSettled(UpgradeRun &run, int timeoutMs)
{
    run.start();
    return waitUntil([&] {
        for (const auto &t : allTasks(run))
            if (t.status.state == TaskState::Executing || t.status.state == TaskState::Ready
                || (t.status.state == TaskState::Waiting && !t.waitReason.contains(QLatin1String("failed"))
                    && !t.waitReason.contains(QLatin1String("blocked"))))
                return false;
        return true;
    }, timeoutMs);
}

bool waitUntil(const std::function<bool()> &condition, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!condition()) {
        if (t.elapsed() > timeoutMs)
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);
    }
    return true;
}

QString openAndWait(UpgradeRun &run, const Plan &plan, int timeoutMs)
{
    bool done = false;
    QString error;
    auto c = QObject::connect(&run, &UpgradeRun::opened, [&](bool ok, const QString &e) {
        done = true;
        error = ok ? QString() : (e.isEmpty() ? QStringLiteral("failed") : e);
    });
    run.open(plan);
    if (!waitUntil([&] { return done; }, timeoutMs))
        error = QStringLiteral("timeout opening the run");
    QObject::disconnect(c);
    return error;
}

bool runToEnd(UpgradeRun &run, int timeoutMs)
{
    bool finished = false;
    auto c = QObject::connect(&run, &UpgradeRun::finished, [&] { finished = true; });
    run.start();
    const bool ok = waitUntil([&] { return finished; }, timeoutMs);
    QObject::disconnect(c);
    return ok;
}

QVector<TaskView> allTasks(const UpgradeRun &run)
{
    QVector<TaskView> t = run.snapshot(0).tasks;
    std::sort(t.begin(), t.end(), [](const TaskView &a, const TaskView &b) { return a.spec.ordinal < b.spec.ordinal; });
    return t;
}

TaskView taskView(const UpgradeRun &run, const QString &name)
{
    for (const auto &t : run.snapshot(0).tasks)
        if (t.spec.name == name)
            return t;
    return {};
}

PgScratchSchema::PgScratchSchema()
{
    const QString server = qEnvironmentVariable("COCKPIT_TEST_PG_URL");
    if (server.isEmpty())
        return;
    m_schema = QStringLiteral("t_") + QUuid::createUuid().toString(QUuid::Id128).left(12);
    m_connection = QStringLiteral("scratch_") + m_schema;
    const QUrl u(server);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connection);
    db.setHostName(u.host());
    db.setPort(u.port(5432));
    db.setUserName(u.userName());
    db.setDatabaseName(u.path().mid(1));
    if (!db.open())
        throw std::runtime_error("PgScratchSchema: " + db.lastError().text().toStdString());
    if (const QString e = exec(QStringLiteral("CREATE SCHEMA %1; SET search_path = %1").arg(m_schema)); !e.isEmpty())
        throw std::runtime_error("PgScratchSchema: " + e.toStdString());
    m_url = server + QStringLiteral("?schema=") + m_schema;
}

PgScratchSchema::~PgScratchSchema()
{
    if (m_connection.isEmpty())
        return;
    exec(QStringLiteral("DROP SCHEMA %1 CASCADE").arg(m_schema));
    QSqlDatabase::database(m_connection).close();
    QSqlDatabase::removeDatabase(m_connection);
}

QString PgScratchSchema::exec(const QString &sql)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    return q.exec(sql) ? QString() : q.lastError().text();
}

QString PgScratchSchema::value(const QString &sql)
{
    QSqlQuery q(QSqlDatabase::database(m_connection));
    if (!q.exec(sql))
        return QStringLiteral("error: ") + q.lastError().text();
    if (!q.next())
        return QStringLiteral("no row");
    return q.value(0).toString();
}

MysqlScratchDatabase::MysqlScratchDatabase()
{
    const QString server = qEnvironmentVariable("COCKPIT_TEST_MYSQL_URL");
    if (server.isEmpty())
        return;
    m_database = QStringLiteral("cockpit_") + QUuid::createUuid().toString(QUuid::Id128).left(12);
    const QUrl u(server);
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QMYSQL"), m_database);
    db.setHostName(u.host());
    db.setPort(u.port(3306));
    db.setUserName(u.userName());
    db.setPassword(qEnvironmentVariable("MYSQL_PWD"));
    db.setDatabaseName(u.path().mid(1));
    if (!db.open())
        throw std::runtime_error("MysqlScratchDatabase: " + db.lastError().text().toStdString());
    if (const QString e = exec(QStringLiteral("CREATE DATABASE `%1`").arg(m_database)); !e.isEmpty())
        throw std::runtime_error("MysqlScratchDatabase: " + e.toStdString());
    if (const QString e = exec(QStringLiteral("USE `%1`").arg(m_database)); !e.isEmpty())
        throw std::runtime_error("MysqlScratchDatabase: " + e.toStdString());
    QUrl target(u);
    target.setPath(u'/' + m_database);
    m_url = target.toString();
}

MysqlScratchDatabase::~MysqlScratchDatabase()
{
    if (m_database.isEmpty())
        return;
    exec(QStringLiteral("DROP DATABASE IF EXISTS `%1`").arg(m_database));
    QSqlDatabase::database(m_database).close();
    QSqlDatabase::removeDatabase(m_database);
}

QString MysqlScratchDatabase::exec(const QString &sql)
{
    QSqlQuery q(QSqlDatabase::database(m_database));
    return q.exec(sql) ? QString() : q.lastError().text();
}

QString MysqlScratchDatabase::value(const QString &sql)
{
    QSqlQuery q(QSqlDatabase::database(m_database));
    if (!q.exec(sql))
        return QStringLiteral("error: ") + q.lastError().text();
    if (!q.next())
        return QStringLiteral("no row");
    return q.value(0).toString();
}

ColumnSchema testColumn(const QString &name, const ColumnType &type, int keyPosition)
{
    ColumnSchema c;
    c.name = name;
    c.type = type;
    c.notNull = keyPosition > 0;
    c.primaryKeyPosition = keyPosition;
    return c;
}

} // namespace cockpit::test
