#include "store/postgrescontrolstore.h"
#include "engine/dbconnection.h"
#include "log/logging.h"
#include "store/statelocation.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QSqlDriver>
#include <QSqlError>
#include <libpq-fe.h>

namespace cockpit {

namespace {

// The two-key advisory locks of a store: (class, hashtext(schema)). The class tells them from
// other programs' locks ("CKP0", "CKP1" in ASCII); advisory locks are per database already.
constexpr int kSetUpLockClass = 0x434B5030; // held by the transaction that creates or migrates
constexpr int kOwnerLockClass = 0x434B5031; // held by the owner's session (the run's lease)

// Version 3's: the workers of a shared run (a migration creates it too).
const char kWorkerTable[] =
    "CREATE TABLE IF NOT EXISTS worker (name text PRIMARY KEY, host text NOT NULL, pid bigint NOT NULL,"
    " threads bigint NOT NULL, groups text NOT NULL, executing text NOT NULL,"
    " started_at double precision NOT NULL, heartbeat_at double precision NOT NULL)";

// The schema of version SqlControlStore::kSchemaVersion. Flags are bigint 0/1 like every
// integer: the shared statements bind integers for them on both engines.
const char *const kSchema[] = {
    "CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL)",
    "CREATE TABLE task ("
    " name text PRIMARY KEY, ordinal bigint NOT NULL, kind text NOT NULL, table_name text NOT NULL,"
    " object text NOT NULL, group_name text NOT NULL, depends text NOT NULL,"
    " key_lo bigint NOT NULL, key_hi bigint NOT NULL, estimated_rows bigint NOT NULL,"
    " priority bigint NOT NULL DEFAULT 0,"
    " state text NOT NULL, attempts bigint NOT NULL DEFAULT 0, rows_done bigint NOT NULL DEFAULT 0,"
    " rows_total bigint NOT NULL DEFAULT 0, bytes_done bigint NOT NULL DEFAULT 0,"
    " checkpoint bigint NOT NULL DEFAULT 0, has_checkpoint bigint NOT NULL DEFAULT 0,"
    " started_at text, ended_at text, seconds double precision NOT NULL DEFAULT 0,"
    " message text NOT NULL DEFAULT '', skipped bigint NOT NULL DEFAULT 0,"
    " sampled_range bigint NOT NULL DEFAULT 0, key_after text, key_through text,"
    " lease_owner text NOT NULL DEFAULT '', lease_epoch bigint NOT NULL DEFAULT 0,"
    " lease_until double precision NOT NULL DEFAULT 0, not_before double precision NOT NULL DEFAULT 0,"
    " stop_request text NOT NULL DEFAULT '')",
    "CREATE TABLE event (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at text NOT NULL,"
    " task text NOT NULL, from_state text NOT NULL, to_state text NOT NULL, message text NOT NULL)",
    "CREATE TABLE task_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at text NOT NULL,"
    " task text NOT NULL, level text NOT NULL, message text NOT NULL)",
    "CREATE INDEX task_log_by_task ON task_log (task, id)",
    "CREATE INDEX event_by_task ON event (task, id)",
    "CREATE TABLE command (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, at text NOT NULL,"
    " action text NOT NULL, task text NOT NULL, with_dependents bigint NOT NULL,"
    " done bigint NOT NULL DEFAULT 0, ok bigint NOT NULL DEFAULT 0, result text NOT NULL DEFAULT '',"
    " threads bigint NOT NULL DEFAULT 0, priority bigint NOT NULL DEFAULT 0, worker text NOT NULL DEFAULT '')",
    "CREATE TABLE owner (id bigint PRIMARY KEY CHECK (id = 1), pid bigint NOT NULL, host text NOT NULL,"
    " app text NOT NULL, heartbeat_at double precision NOT NULL)",
    kWorkerTable,
};

QString quotedIdentifier(const QString &name)
{
    return u'"' + QString(name).replace(u'"', QStringLiteral("\"\"")) + u'"';
}

} // namespace

Result<std::unique_ptr<ControlStore>> PostgresControlStore::open(const ConnectionUrl &url, IfMissing ifMissing)
{
    std::unique_ptr<PostgresControlStore> s(new PostgresControlStore);
    ConnectionUrl storeUrl = url;
    if (storeUrl.params.value(QStringLiteral("schema")).isEmpty())
        storeUrl.params.insert(QStringLiteral("schema"), QString::fromLatin1(statelocation::kDefaultSchema));
    s->m_schema = storeUrl.params.value(QStringLiteral("schema"));
    s->m_path = storeUrl.display();
    // The session starts in pg_catalog, which every database has: the store's schema may not
    // exist yet. Errors name the store's URL, not that one.
    ConnectionUrl session = storeUrl;
    session.params.insert(QStringLiteral("schema"), QStringLiteral("pg_catalog"));
    auto connection = DbConnection::open(session, DbConnection::Mode::ReadWrite);
    if (!connection)
        return makeError(QStringLiteral("control store: %1")
                             .arg(QString(connection.error().message).replace(session.display(), s->m_path)));
    s->m_connection = std::move(*connection);
    s->m_sessionUrl = session;
    if (auto st = s->setUpSession(); !st)
        return s->storeError(st.error().message);
    if (auto st = s->setUpSchema(ifMissing); !st)
        return st.error();
    return std::unique_ptr<ControlStore>(std::move(s));
}

PostgresControlStore::~PostgresControlStore()
{
    // The server drops a session's advisory locks when its backend exits, which is after our
    // disconnect returns: unlock first, so that a store opened next finds the run free.
    if (m_holdsLease && m_connection)
        (void)exec(QStringLiteral("SELECT pg_advisory_unlock(%1, hashtext(?))").arg(kOwnerLockClass), {m_schema});
    forgetPrepared();
    m_connection.reset();
}

Status PostgresControlStore::setUpSession()
{
    return exec(QStringLiteral("SELECT set_config('search_path', quote_ident(?), false)"), {m_schema});
}

QSqlDatabase &PostgresControlStore::db()
{
    reconnectIfLost();
    return m_connection->db();
}

void PostgresControlStore::reconnectIfLost()
{
    if (inTransaction() || PQstatus(m_connection->postgres()) != CONNECTION_BAD)
        return;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (m_reconnectTriedAtMs >= 0 && now - m_reconnectTriedAtMs < 1000)
        return; // the server is still away: this statement fails at once, and says why
    m_reconnectTriedAtMs = now;
    auto connection = DbConnection::open(m_sessionUrl, DbConnection::Mode::ReadWrite);
    if (!connection) {
        logger("store")->warn("control store {}: the session was lost and a new one failed: {}", m_path.toStdString(),
                              QString(connection.error().message).replace(m_sessionUrl.display(), m_path).toStdString());
        return;
    }
    // The lost session's LISTEN goes with it (its socket would wake this thread for nothing).
    if (m_onChange)
        m_connection->db().driver()->unsubscribeFromNotification(channel());
    retirePrepared(); // (the statements of the session lost before go now, then that session)
    m_lostConnection = std::move(m_connection);
    m_connection = std::move(*connection);
    QStringList regained;
    if (auto st = setUpSession(); !st) {
        logger("store")->warn("control store {}: a new session could not be set up: {}", m_path.toStdString(),
                              st.error().message.toStdString());
        return;
    }
    if (m_holdsLease) {
        auto got = queryBool(QStringLiteral("SELECT pg_try_advisory_lock(%1, hashtext(?))").arg(kOwnerLockClass), {m_schema});
        m_holdsLease = got && *got;
        m_lostTheRun = got && !*got;
        regained << (m_holdsLease ? QStringLiteral("the run's lease") : QStringLiteral("not the run's lease (another process owns the run now)"));
    }
    if (m_onChange && subscribe()) {
        regained << QStringLiteral("notifications");
        m_onChange(All); // what changed while it was away
    }
    logger("store")->warn("control store {}: the session was lost; a new one took over{}{}", m_path.toStdString(),
                          regained.isEmpty() ? "" : ", with ", regained.join(QStringLiteral(", ")).toStdString());
}

QString PostgresControlStore::errorOf(const QSqlQuery &q) const { return m_connection->errorOf(q); }

qint64 PostgresControlStore::sessionId() const { return m_connection->sessionId(); }

QString PostgresControlStore::channel() const
{
    static const QRegularExpression other(QStringLiteral("[^a-z0-9_]"));
    return (QStringLiteral("cockpit_") + m_schema.toLower().replace(other, QStringLiteral("_"))).left(63);
}

// The payload says what changed ("1" tasks, "2" meta, "4" commands): a listener reads that only.
Status PostgresControlStore::notifyChanged(Change what)
{
    return exec(QStringLiteral("NOTIFY %1, '%2'").arg(channel()).arg(int(what)));
}

bool PostgresControlStore::listenForChanges(std::function<void(int changes)> onChange)
{
    m_onChange = std::move(onChange);
    if (subscribe())
        return true;
    m_onChange = nullptr;
    return false;
}

bool PostgresControlStore::subscribe()
{
    QSqlDriver *driver = db().driver();
    if (!driver->hasFeature(QSqlDriver::EventNotifications) || !driver->subscribeToNotification(channel()))
        return false;
    QObject::connect(driver, &QSqlDriver::notification, driver,
                     [this](const QString &, QSqlDriver::NotificationSource source, const QVariant &payload) {
                         if (source != QSqlDriver::OtherSource || !m_onChange)
                             return;
                         bool known = false;
                         const int changes = payload.toString().toInt(&known) & All;
                         m_onChange(known && changes ? changes : All); // (an older build's: no payload)
                     });
    return true;
}

Result<bool> PostgresControlStore::queryBool(const QString &sql, const QVariantList &binds)
{
    const PreparedQuery q = prepared(sql);
    for (const auto &b : binds)
        q->addBindValue(b);
    if (!q->exec() || !q->next())
        return makeError(QStringLiteral("control store %1: %2").arg(m_path, errorOf(q)), sql);
    return q->value(0).toBool();
}

// A store of the current version is only read. Otherwise, under the set-up lock (another
// process may be doing the same at this moment, on any host), the schema and its tables are
// created, or an older version migrated, all in one transaction: nobody ever sees half a store.
Status PostgresControlStore::setUpSchema(IfMissing ifMissing)
{
    struct Found {
        bool schema = false;
        bool meta = false;
        int version = 0;
        QStringList others; // relations of the schema when it holds no store
    };
    auto look = [this]() -> Result<Found> {
        Found f;
        auto schema = queryBool(QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = ?)"), {m_schema});
        if (!schema)
            return schema.error();
        f.schema = *schema;
        if (!f.schema)
            return f;
        const PreparedQuery q = prepared(QStringLiteral("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                 "WHERE n.nspname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'f') ORDER BY c.relname"));
        q->addBindValue(m_schema);
        if (!q->exec())
            return storeError(errorOf(q));
        QStringList relations;
        while (q->next())
            relations << q->value(0).toString();
        f.meta = relations.contains(QStringLiteral("meta"));
        if (f.meta) {
            QSqlQuery v(db());
            if (!v.exec(QStringLiteral("SELECT value FROM meta WHERE key = 'schema_version'")))
                return storeError(errorOf(v));
            f.version = v.next() ? v.value(0).toInt() : 0;
        }
        if (!f.meta || f.version <= 0)
            f.others = relations;
        return f;
    };
    auto refusal = [this](const Found &f) -> std::optional<TaskError> {
        if (!f.others.isEmpty()) {
            QStringList shown = f.others.mid(0, 5);
            if (f.others.size() > 5)
                shown << QStringLiteral("...");
            return makeError(QStringLiteral("control store %1: schema \"%2\" holds tables that are no control "
                                            "store (%3); name a new or empty schema with ?schema=")
                                 .arg(m_path, m_schema, shown.join(QStringLiteral(", "))));
        }
        if (f.version > kSchemaVersion)
            return makeError(QStringLiteral("control store %1 has schema version %2; this build reads %3 (and "
                                            "migrates older ones): open it with a newer Upgrade Cockpit")
                                 .arg(m_path)
                                 .arg(f.version)
                                 .arg(kSchemaVersion));
        return std::nullopt;
    };

    auto found = look();
    if (!found)
        return found.error();
    if (auto refused = refusal(*found))
        return *refused;
    if (found->meta && found->version == kSchemaVersion)
        return {};
    if (!found->meta && ifMissing == IfMissing::Fail)
        return missingRunError(m_path);

    const Status st = transaction([&]() -> Status {
        if (auto st = exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1, hashtext(?))").arg(kSetUpLockClass), {m_schema}); !st)
            return st;
        auto now = look(); // as it is now that nobody else sets it up
        if (!now)
            return now.error();
        if (auto refused = refusal(*now))
            return *refused;
        if (now->meta && now->version == kSchemaVersion)
            return {};
        if (!now->schema)
            if (auto st = exec(QStringLiteral("CREATE SCHEMA %1").arg(quotedIdentifier(m_schema))); !st)
                return makeError(QStringLiteral("cannot create schema \"%1\": %2").arg(m_schema, st.error().message));
        if (!now->meta) {
            for (const char *ddl : kSchema)
                if (auto st = exec(QString::fromLatin1(ddl)); !st)
                    return st;
        } else {
            // From version 1 or 2: the columns and the table added since.
            if (auto st = exec(QString::fromLatin1(kWorkerTable)); !st)
                return st;
            for (const auto &[table, column, sqliteType, type] : kAddedColumns) {
                (void)sqliteType;
                if (auto st = exec(QStringLiteral("ALTER TABLE %1 ADD COLUMN IF NOT EXISTS %2 %3")
                                       .arg(QLatin1String(table), QLatin1String(column), QLatin1String(type)));
                    !st)
                    return st;
            }
        }
        return setMeta(QStringLiteral("schema_version"), QString::number(kSchemaVersion));
    });
    if (!st)
        return st.error().message.startsWith(QLatin1String("control store")) ? st.error() : storeError(st.error().message);
    return {};
}

Result<qint64> PostgresControlStore::insertedId(QSqlQuery &q)
{
    if (!q.next())
        return makeError(QStringLiteral("control store %1: the insert returned no id").arg(m_path));
    return q.value(0).toLongLong();
}

// A text[] literal of `names`, each quoted: a task name may hold any character.
static QString textArray(const QStringList &names)
{
    QStringList quoted;
    for (QString n : names)
        quoted << u'"' + n.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\"")) + u'"';
    return u'{' + quoted.join(u',') + u'}';
}

Result<std::optional<std::pair<QString, qint64>>> PostgresControlStore::claimFirst(const QStringList &candidates,
                                                                                    const QString &set,
                                                                                    const QVariantList &setBinds)
{
    const QString names = textArray(candidates);
    // Its dependencies Ended, as the store has them now: the worker chose it on a view read a
    // moment before (an administrator's Rerun of a dependency may have come since).
    const PreparedQuery q = prepared(QStringLiteral("WITH c AS (SELECT name FROM task t WHERE name = ANY (CAST(? AS text[])) AND state = 'Waiting'"
                             " AND lease_owner = '' AND not_before <= %1 AND NOT EXISTS (SELECT 1 FROM task d"
                             " WHERE d.name = ANY (string_to_array(t.depends, E'\\n')) AND d.state <> 'Ended')"
                             " ORDER BY array_position(CAST(? AS text[]), name)"
                             " LIMIT 1 FOR UPDATE SKIP LOCKED)"
                             " UPDATE task SET %2 FROM c WHERE task.name = c.name RETURNING task.name, task.lease_epoch")
                  .arg(clockSql(), set));
    q->addBindValue(names);
    q->addBindValue(names);
    for (const auto &b : setBinds)
        q->addBindValue(b);
    if (!q->exec())
        return makeError(QStringLiteral("control store: claiming a task: %1").arg(errorOf(q)));
    if (!q->next())
        return std::optional<std::pair<QString, qint64>>();
    return std::optional<std::pair<QString, qint64>>({q->value(0).toString(), q->value(1).toLongLong()});
}

Result<std::optional<bool>> PostgresControlStore::leaseHeld()
{
    if (m_holdsLease)
        return std::optional<bool>(true);
    auto held = queryBool(QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
                                         " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                                         " AND classid = CAST(? AS integer)::oid AND objid = hashtext(?)::oid"
                                         " AND objsubid = 2)"),
                          {kOwnerLockClass, m_schema});
    if (!held)
        return held.error();
    return std::optional<bool>(*held);
}

Result<bool> PostgresControlStore::claim(const QString &app, double staleSeconds)
{
    (void)staleSeconds; // the server's lock decides, whatever the row's heartbeat says
    if (!m_holdsLease) {
        auto got = queryBool(QStringLiteral("SELECT pg_try_advisory_lock(%1, hashtext(?))").arg(kOwnerLockClass), {m_schema});
        if (!got)
            return got.error();
        if (!*got)
            return false; // another session, of this host or another, owns the run
        m_holdsLease = true;
        m_lostTheRun = false;
    }
    if (auto st = writeOwnerRow(app); !st) {
        (void)release();
        return st.error();
    }
    return true;
}

Status PostgresControlStore::heartbeat()
{
    reconnectIfLost(); // first: a new session may find the run another's
    if (m_lostTheRun)
        return makeError(QStringLiteral("control store %1: this process lost the run's lease with a lost session, and "
                                        "another process owns the run now")
                             .arg(m_path));
    Status st = SqlControlStore::heartbeat();
    if (!st && m_holdsLease)
        return makeError(QStringLiteral("%1 (the run's lease on %2 ends with this session)").arg(st.error().message, m_path));
    return st;
}

Status PostgresControlStore::release()
{
    Status st = deleteOwnerRow();
    if (m_holdsLease) {
        m_holdsLease = false;
        if (auto unlocked = exec(QStringLiteral("SELECT pg_advisory_unlock(%1, hashtext(?))").arg(kOwnerLockClass), {m_schema});
            !unlocked && st)
            return unlocked;
    }
    return st;
}

} // namespace cockpit
