#include "report/runreport.h"

#include "plan/plan.h"
#include "store/controlstore.h"
#include "store/statelocation.h"

#include <QFileInfo>
#include <QRegularExpression>
#include <algorithm>

namespace cockpit {

namespace {

// The validate task's log line "source[ (hashed by the copy)]: N rows, checksum H; target[ (summed on the server)]: M
// rows, checksum K" (taskexecutor.cpp, runValidate): both sides, whether they matched or not.
std::optional<ReportValidation> validationFromLog(const QVector<LogLine> &lines)
{
    static const QRegularExpression sides(QStringLiteral(
        "^source[^:]*: (\\d+) rows, checksum ([0-9a-f]{16}); target[^:]*: (\\d+) rows, checksum ([0-9a-f]{16})$"));
    for (auto it = lines.crbegin(); it != lines.crend(); ++it) {
        const auto m = sides.match(it->message);
        if (m.hasMatch())
            return ReportValidation{m.captured(1).toLongLong(), m.captured(3).toLongLong(), m.captured(2),
                                    m.captured(4)};
    }
    return std::nullopt;
}

// An Ended validation's message "N rows, checksum H equal..." when its log line is gone.
std::optional<ReportValidation> validationFromMessage(const QString &message)
{
    static const QRegularExpression equal(QStringLiteral("^(\\d+) rows, checksum ([0-9a-f]{16}) equal"));
    const auto m = equal.match(message);
    if (!m.hasMatch())
        return std::nullopt;
    const qint64 rows = m.captured(1).toLongLong();
    return ReportValidation{rows, rows, m.captured(2), m.captured(2)};
}

// State changes an administrator asked for: "skipped by administrator", "rerun with copy:X"
// (a dependent reset by a rerun), and any logged override.
std::optional<ReportOverride> overrideFrom(const StoredEvent &e)
{
    static const QRegularExpression byWhom(QStringLiteral("\\bby (\\w+)"));
    const bool asked = e.message.contains(QLatin1String("by administrator"))
                       || e.message.startsWith(QLatin1String("rerun with "))
                       || e.message.contains(QLatin1String("override"), Qt::CaseInsensitive);
    if (!asked)
        return std::nullopt;
    const auto m = byWhom.match(e.message);
    return ReportOverride{e.at, e.task, m.hasMatch() ? m.captured(1) : QStringLiteral("administrator"),
                          e.message, e.fromState, e.toState};
}

} // namespace

int RunReport::count(TaskState state) const
{
    return int(std::count_if(tasks.begin(), tasks.end(), [state](const ReportTask &t) { return t.state == state; }));
}

qint64 RunReport::copiedRows() const
{
    qint64 rows = 0;
    for (const auto &t : tasks)
        if (t.kind == TaskKind::Copy)
            rows += t.rowsDone;
    return rows;
}

double RunReport::wallSeconds() const
{
    if (!startedAt.isValid() || !endedAt.isValid())
        return 0;
    return std::max(0.0, double(startedAt.msecsTo(endedAt)) / 1000.0);
}

double RunReport::rowsPerSecond() const
{
    const double wall = wallSeconds();
    return wall > 0 ? double(copiedRows()) / wall : 0;
}

QStringList RunReport::phases() const
{
    QStringList out;
    for (const auto &t : tasks)
        if (!out.contains(t.phase()))
            out << t.phase();
    return out;
}

Result<RunReport> readRunReport(const QString &statePath)
{
    if (!statelocation::isUrl(statePath) && QFileInfo(statePath).isDir())
        return makeError(QStringLiteral("no run state at %1 (a folder)").arg(statePath));
    auto store = ControlStore::open(statePath, ControlStore::IfMissing::Fail);
    if (!store)
        return store.error();
    ControlStore &s = **store;
    auto planJson = s.meta(QStringLiteral("plan_json"));
    auto planPath = s.meta(QStringLiteral("plan_path"));
    auto runId = s.meta(QStringLiteral("run_id"));
    auto created = s.meta(QStringLiteral("created_at"));
    for (const auto *r : {&planJson, &planPath, &runId, &created})
        if (!*r)
            return r->error();
    if (planJson->isEmpty())
        return makeError(QStringLiteral("%1 is not the state of a run (it holds no plan)").arg(statePath));
    auto plan = parsePlan(planJson->toUtf8(), *planPath);
    if (!plan)
        return makeError(QStringLiteral("%1: the stored plan is unreadable: %2").arg(statePath, plan.error().message));

    RunReport report;
    report.statePath = s.path();
    report.runId = *runId;
    report.planName = plan->name;
    report.source = plan->source.display();
    report.target = plan->target.display();
    report.createdAt = QDateTime::fromString(*created, Qt::ISODateWithMs);
    report.generatedAt = QDateTime::currentDateTimeUtc();

    auto tasks = s.loadTasks();
    if (!tasks)
        return tasks.error();
    for (const auto &[spec, status] : *tasks) {
        ReportTask t;
        t.name = spec.name;
        t.kind = spec.kind;
        t.table = spec.table;
        t.group = spec.group;
        t.state = status.state;
        t.skipped = status.skipped;
        t.rowsDone = status.rowsDone;
        t.rowsTotal = status.rowsTotal;
        t.bytes = status.bytesDone;
        t.startedAt = status.startedAt;
        t.endedAt = status.endedAt;
        t.seconds = status.seconds;
        t.attempts = status.attempts;
        t.message = status.message;
        if (spec.kind == TaskKind::Validate && status.attempts > 0 && !status.skipped) {
            auto lines = s.log(spec.name, 100);
            if (!lines)
                return lines.error();
            t.validation = validationFromLog(*lines);
            if (!t.validation && status.state == TaskState::Ended)
                t.validation = validationFromMessage(status.message);
        }
        if (t.startedAt.isValid() && (!report.startedAt.isValid() || t.startedAt < report.startedAt))
            report.startedAt = t.startedAt;
        if (t.endedAt.isValid() && t.attempts > 0 && (!report.endedAt.isValid() || t.endedAt > report.endedAt))
            report.endedAt = t.endedAt;
        report.tasks << t;
    }

    auto events = s.events();
    if (!events)
        return events.error();
    for (const StoredEvent &e : *events) {
        // A task's startedAt is its last attempt's; the first Executing event is the run's start.
        if (e.toState == toString(TaskState::Executing) && e.at.isValid()
            && (!report.startedAt.isValid() || e.at < report.startedAt))
            report.startedAt = e.at;
        if (auto o = overrideFrom(e))
            report.overrides << *o;
    }
    return report;
}

} // namespace cockpit
