#include "ui/taskdetailspane.h"
#include "scripts/scriptfolder.h"
#include "ui/taskstatepresentation.h"

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
    m_sql = new QPlainTextEdit(this);
    m_sql->setObjectName(QStringLiteral("detailsSql"));
    m_sql->setReadOnly(true);
    m_sql->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_sql->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_sql->hide();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_summary);
    layout->addWidget(m_sql, 1);
    showTask(std::nullopt, Plan());
}

void TaskDetailsPane::showTask(const std::optional<TaskView> &task, const Plan &plan)
{
    if (!task) {
        m_summary->setText(tr("Select one task to see its details."));
        m_sql->hide();
        m_scriptKey.clear();
        m_highlight = {0, 0};
        return;
    }
    const TaskSpec &spec = task->spec;
    const TaskStatus &s = task->status;
    QStringList lines;
    lines << tr("<b>%1</b> &mdash; %2 &mdash; %3")
                 .arg(spec.name.toHtmlEscaped(), phaseName(spec.kind).toHtmlEscaped(),
                      (s.skipped ? tr("Ended (skipped)") : TaskStatePresentation::label(s.state)).toHtmlEscaped());
    lines << tr("Attempts: %1 &middot; started %2 &middot; ended %3 &middot; %4 s executing")
                 .arg(s.attempts)
                 .arg(timeText(s.startedAt), s.state == TaskState::Executing ? tr("-") : timeText(s.endedAt))
                 .arg(s.seconds, 0, 'f', 1);
    if (!spec.dependsOn.isEmpty())
        lines << tr("Waits for: %1").arg(spec.dependsOn.join(QStringLiteral(", ")).toHtmlEscaped());
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
        m_sql->hide();
        m_scriptKey.clear();
        m_highlight = {0, 0};
    }
}

void TaskDetailsPane::showScript(const TaskView &task, const Plan &plan)
{
    auto script = loadScript(plan.scriptsDir, task.spec.object, plan.target.engine);
    const QString path = script ? script->path : QString();
    const QString key = path + u'|' + QFileInfo(path).lastModified().toString(Qt::ISODateWithMs) + u'|'
                        + task.status.message + (script ? QString() : script.error().message);
    m_sql->show();
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
