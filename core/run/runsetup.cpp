#include "run/runsetup.h"
#include "engine/engine.h"
#include "scripts/scriptfolder.h"
#include "store/statelocation.h"
#include "tasks/taskplanner.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QUuid>

namespace cockpit {

Result<PlannedRun> setUpRun(const Plan &plan, ControlStore &store, bool planIfEmpty,
                            const std::function<void(LogLevel level, const QString &message)> &log)
{
    PlannedRun run;
    auto runId = store.meta(QStringLiteral("run_id"));
    if (!runId)
        return runId.error();
    run.runId = *runId;

    // The source schema, read now and kept: tasks get their table from here.
    auto sourceEngine = Engine::create(plan.source.engine);
    auto source = DbConnection::open(plan.source, DbConnection::Mode::ReadOnly);
    if (!source)
        return makeError(QStringLiteral("source: %1").arg(source.error().message));
    if (!Engine::create(plan.target.engine))
        return makeError(QStringLiteral("target %1: the %2 engine is not supported yet")
                             .arg(plan.target.display(), toString(plan.target.engine)));
    // Reachable, right password, database and schema exist, and the privileges the run needs:
    // said now, before any task starts.
    auto target = DbConnection::open(plan.target, DbConnection::Mode::ReadWrite);
    if (!target)
        return makeError(QStringLiteral("target: %1").arg(target.error().message));
    auto schema = sourceEngine->introspect(**source);
    if (!schema)
        return makeError(QStringLiteral("reading the schema of %1 failed: %2")
                             .arg(plan.source.display(), schema.error().message));
    auto tables = selectTables(plan, *schema);
    if (!tables)
        return tables.error();
    if (auto st = sourceEngine->checkAccess(**source, *tables, false); !st)
        return makeError(QStringLiteral("source: %1").arg(st.error().message));
    if (auto st = Engine::create(plan.target.engine)->checkAccess(**target, *tables, true); !st)
        return makeError(QStringLiteral("target: %1").arg(st.error().message));
    target->reset();
    // The value scan's decisions of earlier prepares ({"table": TypeScan::toJson()}; an older
    // run stored the date scan's {"text": [...]} under "date_scan"): a table whose prepare ran is
    // never scanned again, so a value changed since then does not change the target's types
    // under the copied rows.
    auto scansText = store.meta(QStringLiteral("type_scan"));
    if (scansText && scansText->isEmpty())
        scansText = store.meta(QStringLiteral("date_scan"));
    if (!scansText)
        return scansText.error();
    const QJsonObject knownScans = QJsonDocument::fromJson(scansText->toUtf8()).object();
    for (const TableSchema &t : *tables) {
        std::optional<TypeScan> known;
        if (knownScans.contains(t.name))
            known = TypeScan::fromJson(knownScans.value(t.name).toObject());
        auto target = resolveTargetTable(plan, t, known);
        if (!target)
            return target.error();
        run.tables.insert(t.name, t);
        run.targetTables.insert(t.name, *target);
    }
    auto views = sourceEngine->introspectViews(**source);
    if (!views)
        return makeError(QStringLiteral("reading the views of %1 failed: %2")
                             .arg(plan.source.display(), views.error().message));
    for (const auto &v : *views)
        run.views.insert(v.name, v);

    auto has = store.hasTasks();
    if (!has)
        return has.error();
    if (!*has) {
        if (!planIfEmpty)
            return makeError(QStringLiteral("the run state %1 has no tasks").arg(store.path()));
        QElapsedTimer planning;
        planning.start();
        QVector<ScriptFile> scripts;
        if (!plan.scriptsDir.isEmpty()) {
            auto folder = loadScriptFolder(plan.scriptsDir, plan.target.engine);
            if (!folder)
                return makeError(QStringLiteral("scripts: %1").arg(folder.error().message));
            scripts = folder->scripts;
            for (const QString &other : folder->notForThisEngine)
                log(LogLevel::Info, QStringLiteral("script %1: not for %2, left out").arg(other, toString(plan.target.engine)));
        }
        QStringList warnings;
        auto specs = planTasks(plan, *tables, *views, *sourceEngine, **source, scripts, &warnings);
        if (!specs)
            return specs.error();
        for (const QString &w : warnings)
            log(LogLevel::Warn, w);
        const double planSeconds = planning.elapsed() / 1000.0;
        run.runId = QUuid::createUuid().toString(QUuid::WithoutBraces);
        Plan stored = plan;
        if (stored.filePath.isEmpty())
            stored.filePath = statelocation::planFile(plan.statePath);
        for (const auto &[k, v] :
             {std::pair{QStringLiteral("run_id"), run.runId},
              std::pair{QStringLiteral("plan_json"), QString::fromUtf8(stored.toJson())},
              std::pair{QStringLiteral("plan_path"), stored.filePath},
              std::pair{QStringLiteral("created_at"), QDateTime::currentDateTime().toString(Qt::ISODate)}})
            if (auto st = store.setMeta(k, v); !st)
                return st.error();
        if (auto st = store.createTasks(*specs); !st)
            return st.error();
        log(LogLevel::Info, QStringLiteral("planned %1 tasks for %2 -> %3 (row counts and key ranges %4 s)")
                                            .arg(specs->size())
                                            .arg(plan.source.display(), plan.target.display())
                                            .arg(planSeconds, 0, 'f', 2));
    }
    auto rows = store.loadTasks();
    if (!rows)
        return rows.error();
    QSet<QString> names;
    for (const auto &[spec, status] : *rows) {
        if (!spec.table.isEmpty() && !run.tables.contains(spec.table))
            return makeError(QStringLiteral("table \"%1\" of the run is no longer in the source %2")
                                 .arg(spec.table, plan.source.display()));
        names.insert(spec.name);
    }
    for (const auto &[spec, status] : *rows)
        for (const auto &d : spec.dependsOn)
            if (!names.contains(d))
                return makeError(QStringLiteral("task %1 depends on unknown task %2").arg(spec.name, d));
    run.tasks = std::move(*rows);
    return run;
}

} // namespace cockpit
