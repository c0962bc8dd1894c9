// The demo (demogenerator.h): source.db (demosource.cpp, from the tables of demotables.cpp),
// the upgrade scripts from the resources, and the plan.
#include "demo/demogenerator.h"
#include "demo/demobuild.h"

#include <QDir>
#include <QFile>
#include <QSaveFile>

namespace cockpit {

using namespace demointernal;

namespace {

// The upgrade scripts, from the resources (resources/demo-scripts/): every run writes them
// afresh, so an edited copy never outlives a new demo.
Status writeScripts(const QString &dir)
{
    if (!QDir().mkpath(dir))
        return makeError(QStringLiteral("\"%1\": cannot create the scripts folder").arg(dir));
    const QDir from(QStringLiteral(":/demo-scripts"));
    const QStringList names = from.entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    if (names.isEmpty())
        return makeError(QStringLiteral("demo: the scripts are missing from the program's resources"));
    for (const QString &name : names) {
        QFile in(from.filePath(name));
        QSaveFile out(QDir(dir).filePath(name));
        if (!in.open(QIODevice::ReadOnly))
            return makeError(QStringLiteral("\"%1\": cannot read: %2").arg(in.fileName(), in.errorString()));
        if (!out.open(QIODevice::WriteOnly) || out.write(in.readAll()) < 0 || !out.commit())
            return makeError(QStringLiteral("\"%1\": cannot write: %2").arg(out.fileName(), out.errorString()));
    }
    return {};
}

} // namespace

Result<Plan> writeDemo(const DemoOptions &options)
{
    if (options.dir.trimmed().isEmpty())
        return makeError(QStringLiteral("demo: no output folder given"));
    if (!(options.otherTablesScale > 0 && options.otherTablesScale <= 1))
        return makeError(QStringLiteral("demo: otherTablesScale must be in (0, 1] (got %1)")
                             .arg(options.otherTablesScale));
    if (options.inventTransRows < 0)
        return makeError(QStringLiteral("demo: inventTransRows must not be negative (got %1)")
                             .arg(options.inventTransRows));
    const QString dir = QDir::cleanPath(QDir(options.dir).absolutePath());
    if (!QDir().mkpath(dir))
        return makeError(QStringLiteral("\"%1\": cannot create the demo folder").arg(dir));
    const QDir d(dir);

    // The URL first: a bad one is reported before the seconds spent writing the source.
    auto target = ConnectionUrl::parse(options.target.isEmpty() ? QStringLiteral("sqlite:target.db")
                                                                 : options.target, dir);
    if (!target)
        return makeError(QStringLiteral("demo: target: ") + target.error().message);

    if (auto s = writeSource(d.filePath(QStringLiteral("source.db")), options.inventTransRows,
                                  options.otherTablesScale); !s)
        return s.error();
    for (const QString &name : {QStringLiteral("target.db"), QStringLiteral("state.db")})
        if (auto s = removeDatabase(d.filePath(name)); !s)
            return s.error();
    if (auto s = writeScripts(d.filePath(QStringLiteral("scripts"))); !s)
        return s.error();

    Plan plan;
    plan.filePath = d.filePath(QStringLiteral("plan.json"));
    plan.name = QStringLiteral("AX 2009 demo");
    auto source = ConnectionUrl::parse(QStringLiteral("sqlite:source.db"), dir);
    if (!source)
        return source.error();
    plan.source = *source;
    plan.target = *target;
    plan.statePath = d.filePath(QStringLiteral("state.db"));
    plan.scriptsDir = d.filePath(QStringLiteral("scripts"));
    plan.ifTargetExists = IfTargetExists::Replace;
    plan.groups = {BatchGroup{QStringLiteral("copy"), 2, {QStringLiteral("prepare:*"), QStringLiteral("copy:*")}},
                   BatchGroup{QStringLiteral("post"), 2, {QStringLiteral("*")}}};
    TableOptions inventTrans;
    inventTrans.chunkRows = 250000;
    plan.tableOptions.insert(QStringLiteral("INVENTTRANS"), inventTrans);

    QSaveFile f(plan.filePath);
    if (!f.open(QIODevice::WriteOnly) || f.write(plan.toJson()) < 0 || !f.commit())
        return makeError(QStringLiteral("\"%1\": cannot write: %2").arg(plan.filePath, f.errorString()));
    return loadPlan(plan.filePath);
}

} // namespace cockpit
