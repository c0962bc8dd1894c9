#include "run/preflight.h"

#include "engine/engine.h"
#include "engine/enginepair.h"
#include "log/logging.h"
#include "store/controlstore.h"
#include "store/statelocation.h"
#include "tasks/taskplanner.h"

#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QStorageInfo>
#include <QSysInfo>

#include <unistd.h>
#ifdef Q_OS_UNIX
#include <pwd.h>
#endif

namespace cockpit {

namespace {

QString bytes(qint64 n) { return QLocale::system().formattedDataSize(n); }

// "1 table", "3 tables".
QString counted(qsizetype n, const char *noun)
{
    return QStringLiteral("%1 %2%3").arg(n).arg(QLatin1String(noun), n == 1 ? QString() : QStringLiteral("s"));
}

PreflightCheck check(const QString &id, const QString &title, CheckStatus status, QStringList details)
{
    return PreflightCheck{id, title, status, std::move(details)};
}

// Whether the server runs on this machine, so that its data directory is a path here.
bool isLocalServer(const ConnectionUrl &url)
{
    const QString host = url.host.toLower();
    return host.isEmpty() || host.startsWith(u'/') || host == QLatin1String("localhost") || host == QLatin1String("::1")
           || host.startsWith(QLatin1String("127.")) || host == QSysInfo::machineHostName().toLower();
}

// One side of the plan: its connection (when reachable) and what it holds.
struct Side {
    QString name; // "source", "target"
    ConnectionUrl url;
    std::unique_ptr<Engine> engine;
    std::unique_ptr<DbConnection> connection;
};

// What an earlier opening of this plan's run knows about the target: its run id (the prepare
// markers on the target carry it) and the tables whose prepare task ended.
struct EarlierRun {
    QString runId;
    QStringList preparedTables;
};

EarlierRun earlierRun(const Plan &plan)
{
    EarlierRun run;
    if (plan.statePath.isEmpty())
        return run;
    auto store = ControlStore::open(plan.statePath, ControlStore::IfMissing::Fail);
    if (!store)
        return run;
    if (auto id = (*store)->meta(QStringLiteral("run_id")))
        run.runId = *id;
    if (auto tasks = (*store)->loadTasks())
        for (const auto &[spec, status] : *tasks)
            if (spec.kind == TaskKind::Prepare && status.state == TaskState::Ended)
                run.preparedTables << spec.table;
    return run;
}

PreflightCheck sessionsCheck(Side &side)
{
    const QString id = side.name + QStringLiteral(".sessions");
    const QString title = QStringLiteral("Other sessions on the %1").arg(side.name);
    auto sessions = side.engine->otherSessions(*side.connection);
    if (!sessions)
        return check(id, title, CheckStatus::Warning, {QStringLiteral("cannot tell: %1").arg(sessions.error().message)});
    if (sessions->isEmpty())
        return check(id, title, CheckStatus::Ok, {QStringLiteral("no other session on %1").arg(side.url.display())});
    QStringList details{QStringLiteral("%1 on %2: the upgrade needs it to itself")
                            .arg(counted(sessions->size(), "other session"), side.url.display())};
    details += *sessions;
    return check(id, title, CheckStatus::Blocker, details);
}

PreflightCheck spaceCheck(Side &source, const QVector<TableSchema> &tables, Side &target)
{
    const QString id = QStringLiteral("target.space"), title = QStringLiteral("Free space on the target");
    auto size = source.engine->sizeOnDisk(*source.connection, tables);
    if (!size)
        return check(id, title, CheckStatus::Warning, {QStringLiteral("the source's size is unknown: %1").arg(size.error().message)});
    auto unknown = [&](const QString &why) {
        return check(id, title, CheckStatus::Warning,
                     {QStringLiteral("free space unknown: %1").arg(why),
                      QStringLiteral("make sure the target has room for %1 (what the source's tables take)").arg(bytes(*size))});
    };
    QString folder;
    if (target.url.isFile()) {
        folder = QFileInfo(target.url.path).absolutePath();
    } else if (!isLocalServer(target.url)) {
        return unknown(QStringLiteral("the server %1 is on another machine").arg(target.url.host));
    } else {
        auto dir = target.engine->dataDirectory(*target.connection);
        if (!dir)
            return unknown(dir.error().message);
        folder = *dir;
        if (!QFileInfo(folder).isReadable())
            return unknown(QStringLiteral("the data directory %1 is not readable here").arg(folder));
    }
    const QStorageInfo storage(folder);
    if (!storage.isValid())
        return unknown(QStringLiteral("no file system found for %1").arg(folder));
    const QStringList details{QStringLiteral("the source's tables take %1 (data and indexes)").arg(bytes(*size)),
                              QStringLiteral("%1 free on %2 (%3)").arg(bytes(storage.bytesAvailable()), storage.rootPath(), folder)};
    // Types and indexes differ between engines: the source's size is an estimate, so a short
    // disk warns rather than refuses.
    if (storage.bytesAvailable() < *size)
        return check(id, title, CheckStatus::Warning, QStringList{QStringLiteral("the target may run out of space")} + details);
    return check(id, title, CheckStatus::Ok, details);
}

PreflightCheck existingTablesCheck(const Plan &plan, const QVector<TableSchema> &tables, Side &target)
{
    const QString id = QStringLiteral("target.tables"), title = QStringLiteral("Tables already on the target");
    auto present = target.engine->introspect(*target.connection);
    if (!present)
        return check(id, title, CheckStatus::Blocker,
                     {QStringLiteral("reading the tables of %1 failed: %2").arg(target.url.display(), present.error().message)});
    // SQLite's names are case-insensitive: "album" is taken when "Album" exists.
    const Qt::CaseSensitivity cs = target.engine->nameRules().tablesFoldCase ? Qt::CaseInsensitive : Qt::CaseSensitive;
    QStringList onTarget;
    for (const auto &t : *present)
        onTarget << t.name;
    const EarlierRun earlier = earlierRun(plan);
    QStringList ours, foreign;
    for (const auto &t : tables) {
        if (!onTarget.contains(t.name, cs))
            continue;
        // A prepare that committed on the target but was killed before the store heard of it
        // still left its marker there.
        auto marker = target.engine->readCheckpoint(*target.connection, QStringLiteral("prepare:") + t.name);
        if (earlier.preparedTables.contains(t.name)
            || (!earlier.runId.isEmpty() && marker && marker->has_value() && (*marker)->runId == earlier.runId))
            ours << t.name;
        else
            foreign << t.name;
    }
    QStringList details;
    if (!ours.isEmpty())
        details << QStringLiteral("created by this run, which continues them: %1").arg(ours.join(QStringLiteral(", ")));
    if (foreign.isEmpty()) {
        if (ours.isEmpty())
            details << QStringLiteral("none of the plan's %1 is on %2").arg(counted(tables.size(), "table"), target.url.display());
        return check(id, title, CheckStatus::Ok, details);
    }
    const QString names = foreign.join(QStringLiteral(", "));
    if (plan.ifTargetExists == IfTargetExists::Replace) {
        details.prepend(QStringLiteral("%1 will be replaced (ifTargetExists: replace): %2").arg(counted(foreign.size(), "table"), names));
        return check(id, title, CheckStatus::Warning, details);
    }
    details.prepend(QStringLiteral("%1 on the target already, and ifTargetExists is \"fail\": %2").arg(counted(foreign.size(), "table"), names));
    details << QStringLiteral("drop them, or set \"ifTargetExists\": \"replace\" in the plan");
    return check(id, title, CheckStatus::Blocker, details);
}

// SQLite allows NULLs in a primary key that is not the rowid; a server does not, so such a
// table is created without its key, or its rows with a NULL key are rejects (plan "nullKeys",
// targettable.h). Said before the run, not discovered in it.
PreflightCheck nullKeysCheck(const Plan &plan, const QVector<TableSchema> &tables, Side &source)
{
    const QString id = QStringLiteral("source.keys"), title = QStringLiteral("Primary keys the target can hold");
    QStringList details;
    for (const TableSchema &t : tables) {
        auto columns = source.engine->keyColumnsWithNulls(*source.connection, t);
        if (!columns)
            return check(id, title, CheckStatus::Warning, {QStringLiteral("cannot tell: %1").arg(columns.error().message)});
        if (columns->isEmpty())
            continue;
        const TableOptions options = plan.optionsFor(t.name);
        const QString held = QStringLiteral("\"%1\": key column %2 holds NULLs; ").arg(t.name, u'"' + columns->join(QStringLiteral("\", \"")) + u'"');
        details << (*options.nullKeys == NullKeys::Reject
                        ? held + QStringLiteral("nullKeys is \"reject\": those rows are rejects, counted against maxRejects (%1)").arg(options.maxRejects)
                        : held + QStringLiteral("the table is copied without its primary key (nullKeys \"reject\" keeps the key and rejects those rows)"));
    }
    if (details.isEmpty())
        return check(id, title, CheckStatus::Ok, {QStringLiteral("no primary key of the plan's tables holds a NULL")});
    return check(id, title, CheckStatus::Warning, details);
}

// Every name of the plan's tables as the target would keep it: a name longer than the target
// keeps would be cut (PostgreSQL does so with a notice only), and two names that differ only in
// case would be one on a target that ignores case; either way the copy would not be the
// source's, so the run does not start.
PreflightCheck namesCheck(const QVector<TableSchema> &tables, const Engine &target, const QString &targetName)
{
    const QString id = QStringLiteral("target.names"), title = QStringLiteral("Names the target can hold");
    const Engine::NameRules rules = target.nameRules();
    QStringList details;
    auto checkName = [&](const QString &what, const QString &name) {
        if (name.contains(QChar(0)))
            details << QStringLiteral("%1 \"%2\" holds a NUL character, which no SQL statement can name").arg(what, QString(name).replace(QChar(0), u'?'));
        const qsizetype length = rules.lengthInBytes ? name.toUtf8().size() : name.size();
        if (rules.maxLength > 0 && length > rules.maxLength)
            details << QStringLiteral("%1 \"%2\" is %3 %4 long; %5 keeps %6 and would cut it")
                           .arg(what, name)
                           .arg(length)
                           .arg(rules.lengthInBytes ? QStringLiteral("bytes") : QStringLiteral("characters"), targetName)
                           .arg(rules.maxLength);
    };
    // Names equal once case is ignored, each group once.
    auto collisions = [&](const QString &what, const QStringList &names) {
        QMap<QString, QStringList> byFolded;
        for (const QString &n : names)
            byFolded[n.toLower()] << n;
        for (const QStringList &same : std::as_const(byFolded))
            if (same.size() > 1)
                details << QStringLiteral("%1 \"%2\" are one name on %3, which ignores case in them")
                               .arg(what, same.join(QStringLiteral("\", \"")), targetName);
    };
    QStringList tableNames;
    for (const TableSchema &t : tables) {
        tableNames << t.name;
        checkName(QStringLiteral("table"), t.name);
        QStringList columns;
        for (const ColumnSchema &c : t.columns) {
            columns << c.name;
            checkName(QStringLiteral("column of \"%1\"").arg(t.name), c.name);
        }
        for (const IndexSchema &i : t.indexes)
            checkName(QStringLiteral("index of \"%1\"").arg(t.name), i.name);
        for (const ForeignKeySchema &fk : t.foreignKeys)
            checkName(QStringLiteral("foreign key of \"%1\"").arg(t.name), fk.name);
        for (const CheckSchema &c : t.checks)
            checkName(QStringLiteral("check of \"%1\"").arg(t.name), c.name);
        if (rules.columnsFoldCase)
            collisions(QStringLiteral("columns of \"%1\"").arg(t.name), columns);
    }
    if (rules.tablesFoldCase)
        collisions(QStringLiteral("tables"), tableNames);
    if (details.isEmpty())
        return check(id, title, CheckStatus::Ok, {QStringLiteral("every name of the plan's %1 fits %2").arg(counted(tables.size(), "table"), targetName)});
    details << QStringLiteral("rename them on the source, or leave those tables out of the plan (\"exclude\")");
    return check(id, title, CheckStatus::Blocker, details);
}

// Connects one side; false (with its Blocker added) when it cannot be reached.
bool connect(Side &side, DbConnection::Mode mode, PreflightReport &report)
{
    const QString id = side.name + QStringLiteral(".connect");
    const QString title = QStringLiteral("%1 reachable").arg(side.name == QLatin1String("source") ? QStringLiteral("Source")
                                                                                                : QStringLiteral("Target"));
    if (!side.engine) {
        report.checks << check(id, title, CheckStatus::Blocker,
                               {QStringLiteral("%1: the %2 engine is not supported").arg(side.url.display(), toString(side.url.engine))});
        return false;
    }
    auto c = DbConnection::open(side.url, mode);
    if (!c) {
        report.checks << check(id, title, CheckStatus::Blocker,
                               {c.error().message, QStringLiteral("the other %1 checks wait until it is reachable").arg(side.name)});
        return false;
    }
    side.connection = std::move(*c);
    report.checks << check(id, title, CheckStatus::Ok, {QStringLiteral("connected to %1").arg(side.url.display())});
    return true;
}

} // namespace

Result<PreflightReport> runPreflight(const Plan &plan)
{
    PreflightReport report;
    Side source{QStringLiteral("source"), plan.source, Engine::create(plan.source.engine), nullptr};
    Side target{QStringLiteral("target"), plan.target, Engine::create(plan.target.engine), nullptr};

    std::optional<QVector<TableSchema>> tables;
    if (connect(source, DbConnection::Mode::ReadOnly, report)) {
        auto schema = source.engine->introspect(*source.connection);
        auto selected = schema ? selectTables(plan, *schema) : Result<QVector<TableSchema>>(schema.error());
        if (!selected) {
            report.checks << check(QStringLiteral("source.access"), QStringLiteral("Source privileges"), CheckStatus::Blocker,
                                   {selected.error().message});
        } else if (auto st = source.engine->checkAccess(*source.connection, *selected, false); !st) {
            report.checks << check(QStringLiteral("source.access"), QStringLiteral("Source privileges"), CheckStatus::Blocker,
                                   {st.error().message});
        } else {
            tables = *selected;
            report.checks << check(QStringLiteral("source.access"), QStringLiteral("Source privileges"), CheckStatus::Ok,
                                   {QStringLiteral("may read the plan's %1").arg(counted(tables->size(), "table"))});
        }
        report.checks << sessionsCheck(source);
    }
    if (tables && target.engine)
        report.checks << namesCheck(*tables, *target.engine, displayName(plan.target.engine));

    // A SQLite target that does not exist yet is created by the run: opening it here would
    // create it, so only its folder is checked.
    if (plan.target.isFile() && !QFileInfo::exists(plan.target.path)) {
        const QFileInfo folder(QFileInfo(plan.target.path).absolutePath());
        // access(): a read-only file system refuses even root, whose mode bits QFileInfo reads.
        const bool writable = folder.isDir() && ::access(QFile::encodeName(folder.filePath()).constData(), W_OK) == 0;
        report.checks << check(QStringLiteral("target.connect"), QStringLiteral("Target reachable"),
                               writable ? CheckStatus::Ok : CheckStatus::Blocker,
                               {writable ? QStringLiteral("%1 does not exist yet; the run creates it").arg(plan.target.path)
                                         : QStringLiteral("cannot create %1: the folder %2 is missing or not writable")
                                               .arg(plan.target.path, folder.filePath())});
        if (writable && tables)
            report.checks << spaceCheck(source, *tables, target);
        return report;
    }
    if (!connect(target, DbConnection::Mode::ReadWrite, report))
        return report;
    if (tables) {
        if (auto st = target.engine->checkAccess(*target.connection, *tables, true); !st)
            report.checks << check(QStringLiteral("target.access"), QStringLiteral("Target privileges"), CheckStatus::Blocker,
                                   {st.error().message});
        else
            report.checks << check(QStringLiteral("target.access"), QStringLiteral("Target privileges"), CheckStatus::Ok,
                                   {QStringLiteral("may create tables on %1").arg(plan.target.display())});
    }
    report.checks << sessionsCheck(target);
    if (tables) {
        if (EnginePair(plan.source.engine, plan.target.engine).scansValues())
            report.checks << nullKeysCheck(plan, *tables, source);
        report.checks << spaceCheck(source, *tables, target);
        report.checks << existingTablesCheck(plan, *tables, target);
    }
    return report;
}

QString currentLogin()
{
#ifdef Q_OS_UNIX
    if (const passwd *pw = ::getpwuid(::geteuid()); pw && pw->pw_name)
        return QString::fromLocal8Bit(pw->pw_name);
#endif
    return qEnvironmentVariable("USER", qEnvironmentVariable("USERNAME"));
}

Status recordOverride(const Plan &plan, const QStringList &checkIds, const PreflightOverride &decision)
{
    if (decision.reason.trimmed().isEmpty())
        return makeError(QStringLiteral("an override needs a reason"));
    const QString message = QStringLiteral("preflight override by %1: started despite %2; reason: %3")
                                .arg(decision.who.isEmpty() ? QStringLiteral("?") : decision.who,
                                     checkIds.join(QStringLiteral(", ")), decision.reason.simplified());
    logger("preflight")->warn(str(message));
    logger("preflight")->flush();
    if (plan.statePath.isEmpty() || (!statelocation::isUrl(plan.statePath) && !QFileInfo::exists(plan.statePath)))
        return {};
    auto store = ControlStore::open(plan.statePath, ControlStore::IfMissing::Fail);
    if (!store)
        return store.error();
    return (*store)->appendLog(QString(), LogLevel::Warn, message);
}

} // namespace cockpit
