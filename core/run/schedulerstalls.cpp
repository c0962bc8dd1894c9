#include "run/scheduler.h"
#include "log/logging.h"

namespace cockpit {

// The stall watchdog: a task that moves no rows (or no statement) for the plan's stallSeconds
// is flagged, and the server is asked what holds its sessions.

namespace {
QString quietFor(qint64 ms)
{
    const qint64 s = ms / 1000;
    return s < 120 ? QStringLiteral("%1 s").arg(s) : QStringLiteral("%1 min").arg(s / 60);
}
} // namespace

void Scheduler::watchStalls(qint64 nowMs)
{
    const qint64 limitMs = qint64(m_plan.stallSeconds * 1000);
    for (auto &e : m_tasks) {
        if (e.status.state != TaskState::Executing || !e.control)
            continue;
        // Rows for copies and validations, statements for scripts, bytes where a task counts them.
        const qint64 marker = e.control->rowsDone + e.control->bytesDone;
        if (marker != e.progressMarker) {
            e.progressMarker = marker;
            e.progressAtMs = nowMs;
            if (e.stalled) {
                e.stalled = false;
                e.diagnosis.clear();
                e.status.message.clear();
                e.dirty = true;
                log(e.spec.name, LogLevel::Info, QStringLiteral("moving again"));
            }
            continue;
        }
        if (limitMs <= 0 || nowMs - e.progressAtMs < limitMs)
            continue;
        if (!e.stalled) {
            e.stalled = true;
            log(e.spec.name, LogLevel::Warn, QStringLiteral("no progress for %1; asking the server why").arg(quietFor(nowMs - e.progressAtMs)));
        }
        if (!e.diagnosing && (e.diagnosedAtMs < 0 || nowMs - e.diagnosedAtMs >= std::min<qint64>(limitMs, 30000)))
            diagnoseStall(e);
        QString message = QStringLiteral("no progress for %1").arg(quietFor(nowMs - e.progressAtMs));
        if (!e.diagnosis.isEmpty())
            message += QStringLiteral("; ") + e.diagnosis;
        if (message != e.status.message) {
            e.status.message = message;
            e.dirty = true;
        }
    }
}

void Scheduler::diagnoseStall(Entry &e)
{
    e.diagnosing = true;
    struct Side {
        ConnectionUrl url;
        qint64 session;
        QString label;
    };
    // The target first (where locks usually hold a copy or a build up), then the source.
    QVector<Side> sides;
    if (e.control->targetSession != 0 || m_plan.target.isFile())
        sides.push_back({m_plan.target, e.control->targetSession, QString()});
    if (e.control->sourceSession != 0)
        sides.push_back({m_plan.source, e.control->sourceSession, QStringLiteral("source: ")});
    const QString name = e.spec.name;
    const int attempt = e.status.attempts;
    m_watchPool.start([this, sides, name, attempt] {
        QStringList said;
        for (const Side &side : sides) {
            auto c = DbConnection::open(side.url, DbConnection::Mode::ReadOnly);
            if (!c) {
                said << side.label + QStringLiteral("the server cannot be asked: ") + c.error().message;
                continue;
            }
            auto d = Engine::create(side.url.engine)->describeSession(**c, side.session);
            if (!d)
                said << side.label + QStringLiteral("the server cannot be asked: ") + d.error().message;
            else if (!d->isEmpty())
                said << side.label + *d;
        }
        const QString text = said.join(QStringLiteral("; "));
        QMetaObject::invokeMethod(this, [this, name, attempt, text] { onStallDiagnosed(name, attempt, text); },
                                  Qt::QueuedConnection);
    });
}

void Scheduler::onStallDiagnosed(const QString &name, int attempt, const QString &diagnosis)
{
    const int i = m_byName.value(name, -1);
    if (i < 0)
        return;
    Entry &e = m_tasks[size_t(i)];
    e.diagnosing = false;
    if (e.status.state != TaskState::Executing || e.status.attempts != attempt || !e.stalled)
        return; // it moved, ended or started again meanwhile
    e.diagnosedAtMs = m_clock.elapsed();
    if (diagnosis != e.diagnosis && !diagnosis.isEmpty())
        log(name, LogLevel::Warn, QStringLiteral("no progress for %1; %2").arg(quietFor(e.diagnosedAtMs - e.progressAtMs), diagnosis));
    e.diagnosis = diagnosis;
}

} // namespace cockpit
