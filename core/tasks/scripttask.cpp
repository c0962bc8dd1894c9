#include "tasks/scripttask.h"
#include "engine/engine.h"
#include "scripts/scriptfolder.h"
#include "tasks/taskcontrol.h"
#include "tasks/taskexecutor.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <QSqlQuery>
#include <QSqlRecord>

namespace cockpit {

namespace {

QString scriptTaskName(const QString &name) { return QStringLiteral("script:") + name; }

QString fileLine(const ScriptFile &s, int line)
{
    return QStringLiteral("%1:%2").arg(QFileInfo(s.path).fileName()).arg(line);
}

// Why `from` waits for `to`, for a cycle's message.
using Reasons = QHash<QPair<QString, QString>, QString>;

// A cycle through the graph (task names, first == last), or empty. Only scripts add edges
// that can close one, but the cycle may pass through any task.
QStringList findCycle(const QVector<TaskSpec> &tasks)
{
    QHash<QString, int> index;
    for (int i = 0; i < tasks.size(); ++i)
        index.insert(tasks[i].name, i);
    enum Color : char { White, Grey, Black };
    std::vector<Color> color(size_t(tasks.size()), White);
    std::vector<int> parent(size_t(tasks.size()), -1);
    for (int root = 0; root < tasks.size(); ++root) {
        if (color[size_t(root)] != White)
            continue;
        // Iterative depth-first search: (task, next dependency to look at).
        std::vector<std::pair<int, int>> stack{{root, 0}};
        color[size_t(root)] = Grey;
        while (!stack.empty()) {
            auto &[at, next] = stack.back();
            const QStringList &deps = tasks[at].dependsOn;
            if (next >= deps.size()) {
                color[size_t(at)] = Black;
                stack.pop_back();
                continue;
            }
            const int to = index.value(deps[next++], -1);
            if (to < 0 || color[size_t(to)] == Black)
                continue;
            if (color[size_t(to)] == Grey) {
                QStringList cycle{tasks[to].name};
                for (int k = at; k != to; k = parent[size_t(k)])
                    cycle.prepend(tasks[k].name);
                cycle.prepend(tasks[to].name);
                return cycle;
            }
            parent[size_t(to)] = at;
            color[size_t(to)] = Grey;
            stack.push_back({to, 0});
        }
    }
    return {};
}

} // namespace

Result<QStringList> addScriptTasks(const Plan &plan, const QVector<TableSchema> &tables,
                                   const QVector<ScriptFile> &scripts, QVector<TaskSpec> &tasks)
{
    if (scripts.isEmpty())
        return QStringList();
    QStringList warnings;
    // Names are matched case-insensitively (a header says copy:salesline for SALESLINE), but
    // an exact match wins.
    QHash<QString, QString> taskByLower;
    // A script sees a copied table as it is today without scripts: all its rows and its primary
    // key (a key the target adds after the copy is part of the copy here: a script may rely on
    // it, ON CONFLICT for one), none of its secondary indexes or constraints.
    QHash<QString, QStringList> copiesOf; // table -> its copy chunks and deferred primary key
    QHash<QString, QString> tableByLower;
    for (const TaskSpec &t : tasks) {
        taskByLower.insert(t.name.toLower(), t.name);
        if (t.kind == TaskKind::Copy || t.kind == TaskKind::PrimaryKey)
            copiesOf[t.table] << t.name;
    }
    for (const TableSchema &t : tables)
        tableByLower.insert(t.name.toLower(), t.name);
    for (const ScriptFile &s : scripts)
        taskByLower.insert(scriptTaskName(s.name).toLower(), scriptTaskName(s.name));
    auto copiedTable = [&](const QString &name) -> QString {
        for (const TableSchema &t : tables)
            if (t.name == name)
                return name;
        return tableByLower.value(name.toLower());
    };

    Reasons reasons;
    QHash<QString, QStringList> writersOf; // copied table -> the scripts that write it
    const int firstScript = int(tasks.size());
    for (const ScriptFile &s : scripts) {
        TaskSpec spec;
        spec.name = scriptTaskName(s.name);
        spec.kind = TaskKind::Script;
        spec.object = s.name;
        spec.group = s.group.isEmpty() ? plan.groupFor(spec.name) : s.group;
        spec.ordinal = int(tasks.size());
        auto waitFor = [&](const QString &task, const QString &why) {
            if (!spec.dependsOn.contains(task))
                spec.dependsOn << task;
            reasons.insert({spec.name, task}, why);
        };
        QSet<QString> declaredTables; // copied tables whose rows the header waits for
        for (const ScriptDependency &d : s.dependsOn) {
            const QString where = fileLine(s, d.line);
            const qsizetype colon = d.task.indexOf(u':');
            const QString kind = d.task.left(colon).toLower();
            const QString object = d.task.mid(colon + 1);
            if (kind == QLatin1String("copy")) {
                const QString table = copiedTable(object);
                if (table.isEmpty() || !copiesOf.contains(table))
                    return makeError(QStringLiteral("%1: depends on %2, but the plan copies no table \"%3\"")
                                         .arg(where, d.task, object));
                for (const QString &copy : copiesOf.value(table))
                    waitFor(copy, QStringLiteral("declared in ") + where);
                declaredTables.insert(table);
                continue;
            }
            const QString task = taskByLower.value(d.task.toLower());
            if (task.isEmpty())
                return makeError(QStringLiteral("%1: depends on %2, which is not a task of this plan%3")
                                     .arg(where, d.task,
                                          kind == QLatin1String("script")
                                              ? QStringLiteral(" (no script '%1' for %2 in %3)")
                                                    .arg(object, toString(plan.target.engine), plan.scriptsDir)
                                              : QString()));
            waitFor(task, QStringLiteral("declared in ") + where);
            if (kind == QLatin1String("validate") || kind == QLatin1String("index"))
                declaredTables.insert(copiedTable(object.section(u'.', 0, 0)));
        }
        for (const QString &written : s.tablesWritten) {
            const QString table = copiedTable(written);
            if (table.isEmpty())
                continue; // a table the scripts make: nothing of the copy to wait for
            waitFor(QStringLiteral("validate:") + table,
                    QStringLiteral("%1 writes \"%2\": validation first compares the copy with the source")
                        .arg(QFileInfo(s.path).fileName(), table));
            if (copiesOf.value(table).contains(primaryKeyTaskName(table)))
                waitFor(primaryKeyTaskName(table), QStringLiteral("%1 writes \"%2\": its primary key first")
                                                       .arg(QFileInfo(s.path).fileName(), table));
            writersOf[table] << spec.name;
            declaredTables.insert(table);
        }
        for (const QString &read : s.tablesRead) {
            const QString table = copiedTable(read);
            if (!table.isEmpty() && !declaredTables.contains(table))
                warnings << QStringLiteral("%1 reads \"%2\" but does not declare \"-- depends: copy:%2\": it may run "
                                           "before that table is copied")
                                .arg(QFileInfo(s.path).fileName(), table);
        }
        tasks << spec;
    }

    // What a script writes is finished before the table's indexes and constraints are made.
    QHash<QString, QString> referencedBy; // "fk:T.F" -> the table it references
    for (const TableSchema &t : tables)
        for (const auto &fk : t.foreignKeys)
            referencedBy.insert(QStringLiteral("fk:%1.%2").arg(t.name, fk.name), fk.referencedTable);
    for (int i = 0; i < firstScript; ++i) {
        TaskSpec &t = tasks[i];
        if (t.kind != TaskKind::Index && t.kind != TaskKind::Check && t.kind != TaskKind::Identity
            && t.kind != TaskKind::ForeignKey)
            continue;
        QStringList written = writersOf.value(t.table);
        if (t.kind == TaskKind::ForeignKey)
            written << writersOf.value(referencedBy.value(t.name));
        for (const QString &script : written) {
            if (t.dependsOn.contains(script))
                continue;
            t.dependsOn << script;
            reasons.insert({t.name, script}, QStringLiteral("waits for the scripts that write \"%1\"").arg(t.table));
        }
    }

    const QStringList cycle = findCycle(tasks);
    if (!cycle.isEmpty()) {
        QStringList steps;
        for (qsizetype k = 0; k + 1 < cycle.size(); ++k) {
            const QString why = reasons.value({cycle[k], cycle[k + 1]});
            steps << QStringLiteral("%1 waits for %2%3").arg(cycle[k], cycle[k + 1], why.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(why));
        }
        return makeError(QStringLiteral("the scripts' dependencies form a cycle: ") + steps.join(QStringLiteral("; ")));
    }
    return warnings;
}

namespace {

QString firstLine(const QString &sql)
{
    QString line = sql.section(u'\n', 0, 0).simplified();
    if (line.size() > 100)
        line = line.left(97) + QStringLiteral("...");
    return line;
}

// "1 check", "2 checks"
QString counted(qsizetype n, const QString &noun)
{
    return QStringLiteral("%1 %2%3").arg(n).arg(noun, n == 1 ? QString() : QStringLiteral("s"));
}

// The first rows a check query returned, as "(a, b), (c, d)".
QString sampleRows(QSqlQuery &q, int limit)
{
    QStringList rows;
    do {
        QStringList values;
        for (int c = 0; c < q.record().count(); ++c)
            values << (q.isNull(c) ? QStringLiteral("NULL") : q.value(c).toString());
        rows << u'(' + values.join(QStringLiteral(", ")) + u')';
    } while (rows.size() < limit && q.next());
    return rows.join(QStringLiteral(", "));
}

} // namespace

TaskOutcome runScript(const TaskContext &ctx)
{
    auto failed = [&ctx](const TaskError &e) { return failedOrStopped(ctx, e, QStringLiteral("the script")); };
    auto script = loadScript(ctx.inputs<ScriptInputs>().scriptsDir, ctx.spec.object, ctx.target.engine);
    if (!script)
        return failed(script.error());
    const ScriptFile &s = *script;
    const QString file = QFileInfo(s.path).fileName();
    const bool single = s.transaction == ScriptTransaction::Single;
    ctx.log(LogLevel::Info, QStringLiteral("%1: %2, %3, %4")
                                        .arg(file, counted(s.statements.size(), QStringLiteral("statement")),
                                             counted(s.checks.size(), QStringLiteral("check")),
                                             single ? QStringLiteral("one transaction") : QStringLiteral("a transaction per statement")));
    const auto engine = Engine::create(ctx.target.engine);
    if (single && engine->commitsDdlAtOnce())
        ctx.log(LogLevel::Warn, QStringLiteral("MariaDB commits CREATE/ALTER/DROP statements at once: a failure after "
                                                       "one leaves it done; write such scripts to be safe to run again"));

    // A connection of its own, closed at the end: nothing a script sets outlives it.
    auto opened = DbConnection::open(ctx.target, DbConnection::Mode::ReadWrite);
    if (!opened)
        return failed(opened.error());
    std::unique_ptr<DbConnection> conn = std::move(*opened);
    ctx.control->targetSession = conn->sessionId();
    InterruptibleScope scope(*ctx.control, conn.get());
    QSqlQuery q(conn->db());
    q.setForwardOnly(true);
    auto run = [&](const QString &sql) { return q.exec(sql); };
    auto rollback = [&] {
        QSqlQuery r(conn->db());
        r.exec(QStringLiteral("ROLLBACK")); // may say "no transaction": an interrupt can end it first
    };

    // A shared run: this attempt's epoch first (it waits for an earlier attempt's open
    // transaction), then the fence is checked before the script's COMMIT.
    if (ctx.epoch > 0)
        if (auto st = engine->raiseFence(*conn, ctx.spec.name, ctx.epoch); !st)
            return failed(st.error());
    const qsizetype n = s.statements.size();
    ctx.control->rowsTotal = n;
    ctx.control->rowsDone = 0;
    if (single && !run(engine->beginTransactionSql()))
        return failed(makeError(QStringLiteral("%1: cannot begin a transaction: %2").arg(file, conn->errorOf(q))));
    QElapsedTimer clock;
    clock.start();
    for (qsizetype k = 0; k < n; ++k) {
        const SqlStatement &st = s.statements[k];
        ctx.log(LogLevel::Info, QStringLiteral("statement %1 of %2 (line %3): %4").arg(k + 1).arg(n).arg(st.line).arg(firstLine(st.sql)));
        // Per-statement scripts commit each statement by itself: no transaction to hold the
        // fence in, so it is checked before each one (best effort: a worker suspended between
        // the check and its statement still runs that one statement).
        q.finish(); // the last statement's result, which a statement of the fence's would wait behind
        if (!single)
            if (auto fenced = engine->checkFenceAlone(*conn, ctx.spec.name, ctx.epoch); !fenced)
                return failed(fenced.error());
        const qint64 startedMs = clock.elapsed();
        if (!run(st.sql)) {
            const TaskError e = makeError(QStringLiteral("%1:%2: statement %3 of %4 failed: %5")
                                              .arg(file)
                                              .arg(st.line)
                                              .arg(k + 1)
                                              .arg(n)
                                              .arg(conn->errorOf(q)),
                                          st.sql, st.line);
            if (single)
                rollback();
            return failed(e);
        }
        const double seconds = (clock.elapsed() - startedMs) / 1000.0;
        if (seconds >= 1)
            ctx.log(LogLevel::Info, QStringLiteral("statement %1 took %2 s%3")
                                                .arg(k + 1)
                                                .arg(seconds, 0, 'f', 1)
                                                .arg(q.numRowsAffected() >= 0 ? QStringLiteral(", %1 rows").arg(q.numRowsAffected()) : QString()));
        ctx.control->rowsDone = k + 1;
        if (ctx.control->stopRequest() == StopRequest::Cancel || ctx.control->stopRequest() == StopRequest::Interrupt) {
            if (single)
                rollback();
            return failed(makeError(QStringLiteral("stopped after statement %1").arg(k + 1)));
        }
    }
    // Post-conditions, inside the script's transaction: a wrong result is rolled back with it.
    for (const ScriptCheck &check : s.checks) {
        if (!run(check.sql)) {
            const TaskError e = makeError(QStringLiteral("%1:%2: check failed to run: %3").arg(file).arg(check.line).arg(conn->errorOf(q)),
                                          check.sql, check.line);
            if (single)
                rollback();
            return failed(e);
        }
        if (q.next()) {
            const TaskError e = makeError(QStringLiteral("%1:%2: check returned rows (it must return none): %3%4")
                                              .arg(file)
                                              .arg(check.line)
                                              .arg(sampleRows(q, 3))
                                              .arg(single ? QStringLiteral("; the script was rolled back") : QString()),
                                          check.sql, check.line);
            q.finish();
            if (single)
                rollback();
            return failed(e);
        }
        q.finish();
    }
    // In the script's transaction, just before its COMMIT: another worker has not taken it over.
    q.finish();
    if (single)
        if (auto fenced = engine->checkFence(*conn, ctx.spec.name, ctx.epoch); !fenced) {
            rollback();
            return failed(fenced.error());
        }
    if (single && !run(QStringLiteral("COMMIT"))) {
        const TaskError e = makeError(QStringLiteral("%1: commit failed: %2").arg(file, conn->errorOf(q)));
        rollback();
        return failed(e);
    }
    TaskOutcome o;
    o.message = QStringLiteral("%1 run%2 in %3 s")
                    .arg(counted(n, QStringLiteral("statement")),
                         s.checks.isEmpty() ? QString() : QStringLiteral(", %1 passed").arg(counted(s.checks.size(), QStringLiteral("check"))))
                    .arg(clock.elapsed() / 1000.0, 0, 'f', 1);
    o.rowsDone = n;
    return o;
}

} // namespace cockpit
