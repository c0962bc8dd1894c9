#pragma once
// What the preflight found before a run (run/preflight.h): one check per question, each Ok, a
// Warning (shown, the run may start) or a Blocker (the run starts only with a logged override).

#include <QString>
#include <QStringList>
#include <QVector>

namespace cockpit {

enum class CheckStatus { Ok, Warning, Blocker };
QString toString(CheckStatus status); // "ok", "warning", "blocker"

struct PreflightCheck {
    QString id;      // stable, for logs and overrides: "target.sessions"
    QString title;   // one line: "Other sessions on the target"
    CheckStatus status = CheckStatus::Ok;
    QStringList details; // what was found, one fact per line
};

struct PreflightReport {
    QVector<PreflightCheck> checks;

    const PreflightCheck *find(const QString &id) const;
    QStringList idsWith(CheckStatus status) const;
    bool hasBlockers() const { return !idsWith(CheckStatus::Blocker).isEmpty(); }
    bool hasWarnings() const { return !idsWith(CheckStatus::Warning).isEmpty(); }
    // For the terminal and the log: "[BLOCKER] title" then the details indented.
    QString toText() const;
};

// The administrator's decision to start despite Blockers, recorded with the run.
struct PreflightOverride {
    QString who;
    QString reason;
};

} // namespace cockpit
