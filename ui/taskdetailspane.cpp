#include "ui/taskdetailspane.h"
#include "scripts/scriptfolder.h"
#include "store/controlstore.h"
#include "ui/ratesparkline.h"
#include "ui/taskstatepresentation.h"

#include <QTabWidget>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFontDatabase>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QTextBlock>
#include <QVBoxLayout>

namespace cockpit {

namespace {

QString timeText(const QDateTime &t)
{
    return t.isValid() ? QLocale().toString(t.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QStringLiteral("-");
}

// "fix.sql:4: ..." -> 4 when the message names `file`: where runScript says it failed.
int failedLine(const QString &message, const QString &file)
{
    static const QRegularExpression at(QStringLiteral("^(.+?):(\\d+): "));
    const auto m = at.match(message);
    return m.hasMatch() && m.captured(1) == file ? m.captured(2).toInt() : 0;
}

QString counted(qsizetype n, const QString &one, const QString &many)
{
    return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
}

} // namespace

TaskDetailsPane::TaskDetailsPane(QWidget *parent) : QWidget(parent)
{
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("detailsSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_summary->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_sparkline = new RateSparkline(this);
    m_sparkline->hide();
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_sql = new QPlainTextEdit(this);
    m_sql->setObjectName(QStringLiteral("detailsSql"));
    m_sql->setReadOnly(true);
    m_sql->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_sql->setFont(fixed);
    m_sql->hide(); // a tab only while a script is shown
    m_history = new QLabel(this);
    m_history->setObjectName(QStringLiteral("detailsHistory"));
    m_history->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_history->setWordWrap(true);
    m_history->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_logTail = new QPlainTextEdit(this);
    m_logTail->setObjectName(QStringLiteral("detailsLog"));
    m_logTail->setReadOnly(true);
    m_logTail->setFont(fixed);
    m_tabs = new QTabWidget(this);
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_history, tr("Attempts"));
    m_tabs->addTab(m_logTail, tr("Log"));
    // One column: the dock is narrow, and a chart beside the text would squeeze it.
    m_sparkline->setFixedHeight(m_sparkline->sizeHint().height());
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_summary);
    layout->addWidget(m_sparkline);
    layout->addWidget(m_tabs, 1);
    showTask(std::nullopt, Plan());
}

void TaskDetailsPane::setStatePath(const QString &statePath)
{
    m_statePath = statePath;
    m_storedVersion = 0;
}

// The task's attempts (its state changes) and last log lines, read on a worker thread with a
// connection of its own: the window never waits on the state file.
void TaskDetailsPane::loadStored(const QString &task)
{
    if (m_statePath.isEmpty() || m_storedLoad.isRunning())
        return;
    m_storedAge.start();
    m_storedLoad.start([path = m_statePath, task]() {
        Stored out{task, {}, {}};
        auto store = ControlStore::open(path, ControlStore::IfMissing::Fail);
        if (!store) {
            out.history = store.error().message.toHtmlEscaped();
            return out;
        }
        if (auto events = (*store)->events(task)) {
            QStringList rows;
            int attempt = 0;
            for (const StoredEvent &e : *events) {
                if (e.fromState.isEmpty() && e.toState.isEmpty()) { // no state change (a new priority)
                    rows << QStringLiteral("%1 &nbsp; %2").arg(timeText(e.at), e.message.toHtmlEscaped());
                    continue;
                }
                attempt += e.toState == QLatin1String("Executing");
                rows << QStringLiteral("%1 &nbsp; %2 &rarr; <b>%3</b>%4%5")
                            .arg(timeText(e.at), e.fromState.toHtmlEscaped(), e.toState.toHtmlEscaped(),
                                 e.toState == QLatin1String("Executing") ? QStringLiteral(" (attempt %1)").arg(attempt) : QString(),
                                 e.message.isEmpty() ? QString() : QStringLiteral(": ") + e.message.toHtmlEscaped());
            }
            out.history = rows.isEmpty() ? QStringLiteral("No state changes yet.") : rows.join(QStringLiteral("<br>"));
        }
        if (auto lines = (*store)->log(task, 200)) {
            QStringList text;
            for (const LogLine &l : *lines)
                text << QStringLiteral("%1 %2 %3").arg(timeText(l.at), toString(l.level), l.message);
            out.log = text.join(u'\n');
        }
        return out;
    }, [this](const Stored &stored) { showStored(stored); });
}

void TaskDetailsPane::showStored(const Stored &stored)
{
    if (stored.task != m_shownTask)
        return; // the selection moved on meanwhile
    m_history->setText(stored.history);
    if (m_logTail->toPlainText() != stored.log) {
        m_logTail->setPlainText(stored.log);
        m_logTail->moveCursor(QTextCursor::End); // a live tail: the newest line in view
    }
}

void TaskDetailsPane::showTask(const std::optional<TaskView> &task, const Plan &plan)
{
    if (!task) {
        m_summary->setText(tr("Select one task to see its details."));
        m_tabs->hide();
        m_sparkline->hide();
        m_scriptKey.clear();
        m_scriptShown.clear();
        m_shownTask.clear();
        m_highlight = {0, 0};
        return;
    }
    const TaskSpec &spec = task->spec;
    const TaskStatus &s = task->status;
    m_tabs->show();
    if (spec.name != m_shownTask) {
        m_shownTask = spec.name;
        m_sparkline->clear();
        m_history->setText(tr("Reading\u2026"));
        m_logTail->clear();
        m_storedVersion = 0;
    }
    // Re-read the state file when the task changed, at most once a second.
    if (task->version != m_storedVersion && (!m_storedAge.isValid() || m_storedAge.elapsed() >= 1000 || m_storedVersion == 0)
        && !m_storedLoad.isRunning()) {
        m_storedVersion = task->version;
        loadStored(spec.name);
    }
    const bool countsRows = spec.kind == TaskKind::Copy || spec.kind == TaskKind::Validate;
    if (countsRows && s.state == TaskState::Executing)
        m_sparkline->addSample(task->rowsPerSecond);
    m_sparkline->setVisible(countsRows && !m_sparkline->samples().empty());
    QStringList lines;
    lines << tr("<b>%1</b> &mdash; %2 &mdash; %3")
                 .arg(spec.name.toHtmlEscaped(), phaseName(spec.kind).toHtmlEscaped(),
                      (s.skipped ? tr("Ended (skipped)") : TaskStatePresentation::label(s.state)).toHtmlEscaped());
    lines << tr("Attempts: %1 &middot; started %2 &middot; ended %3 &middot; %4 s executing")
                 .arg(s.attempts)
                 .arg(timeText(s.startedAt), s.state == TaskState::Executing ? tr("-") : timeText(s.endedAt))
                 .arg(s.seconds, 0, 'f', 1);
    lines << tr("Batch group: %1 &middot; priority %2 (higher starts first; Task &gt; Raise / Lower priority)")
                 .arg(spec.group.toHtmlEscaped())
                 .arg(spec.priority);
    if (countsRows && (s.rowsDone > 0 || s.rowsTotal > 0))
        lines << tr("Rows: %1 of %2%3%4")
                     .arg(QLocale().toString(s.rowsDone), s.rowsTotal > 0 ? QLocale().toString(s.rowsTotal) : tr("?"),
                          s.state == TaskState::Executing && task->rowsPerSecond > 0
                              ? tr(" &middot; %1 rows/s").arg(QLocale().toString(qint64(task->rowsPerSecond)))
                              : QString(),
                          spec.kind == TaskKind::Copy && s.hasCheckpoint
                              ? tr(" &middot; checkpoint: %1 %2").arg(spec.sampledRange ? tr("row") : tr("key"), QLocale().toString(s.checkpoint))
                              : QString());
    if (spec.kind == TaskKind::Copy && (spec.keyLo != 0 || spec.keyHi != 0))
        lines << (spec.sampledRange ? tr("Rows %1 to %2 in key order").arg(QLocale().toString(spec.keyLo), QLocale().toString(spec.keyHi))
                                    : tr("Keys %1 to %2").arg(QLocale().toString(spec.keyLo), QLocale().toString(spec.keyHi)));
    if (!spec.dependsOn.isEmpty()) {
        // finalize depends on every other task: name a few, count the rest (a label of 10,000
        // names took 250 ms to lay out).
        constexpr qsizetype kNamed = 6;
        QString deps = spec.dependsOn.mid(0, kNamed).join(QStringLiteral(", "));
        if (spec.dependsOn.size() > kNamed)
            deps += tr(" and %1 more").arg(spec.dependsOn.size() - kNamed);
        lines << (s.state == TaskState::Waiting || s.state == TaskState::Paused ? tr("Waits for: %1") : tr("Depends on: %1"))
                     .arg(deps.toHtmlEscaped());
    }
    if (s.state == TaskState::Waiting && !task->waitReason.isEmpty())
        lines << tr("Now: %1").arg(task->waitReason.toHtmlEscaped());
    if (!s.message.isEmpty())
        lines << (s.state == TaskState::Error ? tr("<span style='color:#b00020'><b>Error:</b> %1</span>")
                                              : tr("Message: %1"))
                     .arg(s.message.toHtmlEscaped());
    m_summary->setText(lines.join(QStringLiteral("<br>")));
    if (spec.kind == TaskKind::Script) {
        showScript(*task, plan);
    } else {
        if (const int i = m_tabs->indexOf(m_sql); i >= 0)
            m_tabs->removeTab(i);
        m_scriptKey.clear();
        m_scriptShown.clear();
        m_highlight = {0, 0};
    }
}

void TaskDetailsPane::showScript(const TaskView &task, const Plan &plan)
{
    if (m_tabs->indexOf(m_sql) < 0) {
        m_tabs->insertTab(0, m_sql, tr("SQL"));
        m_tabs->setCurrentIndex(0);
    }
    // Shown on every refresh: the file is read again when the task or its message changed,
    // otherwise at most once a second (an edit of the file shows within a second).
    const QString shown = task.spec.name + u'|' + task.status.message;
    if (shown == m_scriptShown && m_scriptRead.isValid() && m_scriptRead.elapsed() < 1000) {
        m_summary->setText(m_summary->text() + m_scriptHeader);
        return;
    }
    m_scriptShown = shown;
    m_scriptRead.start();
    auto script = loadScript(plan.scriptsDir, task.spec.object, plan.target.engine);
    const QString path = script ? script->path : QString();
    const QString key = path + u'|' + QFileInfo(path).lastModified().toString(Qt::ISODateWithMs) + u'|'
                        + task.status.message + (script ? QString() : script.error().message);
    if (key == m_scriptKey) {
        m_summary->setText(m_summary->text() + m_scriptHeader);
        return;
    }
    m_scriptKey = key;
    m_scriptHeader.clear();
    m_highlight = {0, 0};
    if (!script) {
        m_sql->setPlainText(tr("-- the script cannot be read: %1").arg(script.error().message));
        return;
    }
    const ScriptFile &s = *script;
    QStringList header{tr("File: %1").arg(QDir::toNativeSeparators(s.path)),
                       tr("transaction: %1").arg(s.transaction == ScriptTransaction::Single ? tr("single") : tr("per statement")),
                       tr("%1, %2").arg(counted(s.statements.size(), tr("statement"), tr("statements")),
                                        counted(s.checks.size(), tr("check"), tr("checks")))};
    m_scriptHeader = QStringLiteral("<br>") + header.join(QStringLiteral(" \u00b7 ")).toHtmlEscaped();
    m_summary->setText(m_summary->text() + m_scriptHeader);

    // The file with line numbers, so that "fix.sql:4" in a message is found at a glance.
    QStringList fileLines = s.text.split(u'\n');
    if (fileLines.size() > 1 && fileLines.last().isEmpty())
        fileLines.removeLast(); // the file's final newline
    const int width = int(QString::number(fileLines.size()).size());
    QStringList numbered;
    numbered.reserve(fileLines.size());
    for (qsizetype i = 0; i < fileLines.size(); ++i)
        numbered << QStringLiteral("%1  %2").arg(i + 1, width).arg(fileLines[i]);
    m_sql->setPlainText(numbered.join(u'\n'));

    const int line = task.status.state == TaskState::Error ? failedLine(task.status.message, QFileInfo(s.path).fileName()) : 0;
    if (line <= 0)
        return;
    m_highlight = {line, line}; // a check is one header line
    for (const SqlStatement &st : s.statements)
        if (st.line == line)
            m_highlight.second = line + int(st.sql.count(u'\n'));
    QList<QTextEdit::ExtraSelection> marks;
    for (int l = m_highlight.first; l <= m_highlight.second; ++l) {
        QTextEdit::ExtraSelection mark;
        mark.cursor = QTextCursor(m_sql->document()->findBlockByNumber(l - 1));
        mark.format.setBackground(QColor(0xff, 0xd6, 0xd6));
        mark.format.setProperty(QTextFormat::FullWidthSelection, true);
        marks << mark;
    }
    m_sql->setExtraSelections(marks);
    m_sql->setTextCursor(QTextCursor(m_sql->document()->findBlockByNumber(m_highlight.first - 1)));
    m_sql->centerCursor();
}

} // namespace cockpit
