#include "ui/preflightdialog.h"

#include "run/preflight.h"

#include <QCheckBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace cockpit {

namespace {

QIcon iconFor(const QStyle *style, CheckStatus status)
{
    switch (status) {
    case CheckStatus::Ok: return style->standardIcon(QStyle::SP_DialogApplyButton);
    case CheckStatus::Warning: return style->standardIcon(QStyle::SP_MessageBoxWarning);
    case CheckStatus::Blocker: return style->standardIcon(QStyle::SP_MessageBoxCritical);
    }
    return {};
}

QString wordFor(CheckStatus status)
{
    switch (status) {
    case CheckStatus::Ok: return PreflightDialog::tr("OK");
    case CheckStatus::Warning: return PreflightDialog::tr("Warning");
    case CheckStatus::Blocker: return PreflightDialog::tr("Blocker");
    }
    return {};
}

} // namespace

PreflightDialog::PreflightDialog(const Plan &plan, std::optional<PreflightReport> known, QWidget *parent)
    : QDialog(parent), m_plan(plan)
{
    setObjectName(QStringLiteral("preflightDialog"));
    setWindowTitle(tr("Preflight \u2013 %1").arg(plan.title()));
    auto *layout = new QVBoxLayout(this);

    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("summary"));
    m_summary->setWordWrap(true);
    m_summary->setTextFormat(Qt::PlainText);
    QFont bold = m_summary->font();
    bold.setBold(true);
    m_summary->setFont(bold);
    layout->addWidget(m_summary);
    m_busy = new QProgressBar(this);
    m_busy->setRange(0, 0); // busy: a connect can take its timeout
    m_busy->setTextVisible(false);
    m_busy->setMaximumHeight(fontMetrics().height() / 2);
    layout->addWidget(m_busy);

    m_list = new QTreeWidget(this);
    m_list->setObjectName(QStringLiteral("checks"));
    m_list->setColumnCount(2);
    m_list->setHeaderLabels({tr("Result"), tr("Check")});
    m_list->setRootIsDecorated(true);
    m_list->setUniformRowHeights(true);
    m_list->setWordWrap(false);
    m_list->setTextElideMode(Qt::ElideMiddle);
    m_list->header()->setStretchLastSection(true);
    m_list->header()->resizeSection(0, fontMetrics().horizontalAdvance(QStringLiteral("MMMBlockerMM")) + 24);
    layout->addWidget(m_list, 1);

    m_overrideBox = new QGroupBox(tr("Start despite the blockers"), this);
    m_overrideBox->setObjectName(QStringLiteral("override"));
    auto *overrideLayout = new QVBoxLayout(m_overrideBox);
    auto *explain = new QLabel(tr("The run refuses to start while a blocker stands. Starting anyway is "
                                  "recorded in the run's log with your name, your reason and the "
                                  "checks you overrode."),
                               m_overrideBox);
    explain->setWordWrap(true);
    overrideLayout->addWidget(explain);
    m_confirm = new QCheckBox(tr("I confirm the override: I know what the blockers mean for this upgrade"), m_overrideBox);
    m_confirm->setObjectName(QStringLiteral("confirm"));
    overrideLayout->addWidget(m_confirm);
    auto *form = new QFormLayout;
    m_who = new QLineEdit(currentLogin(), m_overrideBox);
    m_who->setObjectName(QStringLiteral("who"));
    m_reason = new QLineEdit(m_overrideBox);
    m_reason->setObjectName(QStringLiteral("reason"));
    m_reason->setPlaceholderText(tr("Why starting now is safe (for example: the other session is a read-only monitor)"));
    form->addRow(tr("Administrator:"), m_who);
    form->addRow(tr("Reason:"), m_reason);
    overrideLayout->addLayout(form);
    layout->addWidget(m_overrideBox);

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("error"));
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText);
    m_error->hide();
    layout->addWidget(m_error);

    auto *buttons = new QHBoxLayout;
    m_runAgain = new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), tr("Run again"), this);
    m_runAgain->setObjectName(QStringLiteral("runAgain"));
    auto *cancel = new QPushButton(tr("Cancel"), this);
    m_startAnyway = new QPushButton(style()->standardIcon(QStyle::SP_MessageBoxCritical), tr("Start anyway"), this);
    m_startAnyway->setObjectName(QStringLiteral("startAnyway"));
    m_start = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), tr("Start"), this);
    m_start->setObjectName(QStringLiteral("start"));
    m_start->setDefault(true);
    buttons->addWidget(m_runAgain);
    buttons->addStretch(1);
    buttons->addWidget(cancel);
    buttons->addWidget(m_startAnyway);
    buttons->addWidget(m_start);
    layout->addLayout(buttons);

    connect(m_runAgain, &QPushButton::clicked, this, &PreflightDialog::runChecks);
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    connect(m_start, &QPushButton::clicked, this, &QDialog::accept);
    connect(m_startAnyway, &QPushButton::clicked, this, &PreflightDialog::startAnyway);
    connect(m_confirm, &QCheckBox::toggled, this, &PreflightDialog::updateButtons);
    connect(m_who, &QLineEdit::textChanged, this, &PreflightDialog::updateButtons);
    connect(m_reason, &QLineEdit::textChanged, this, &PreflightDialog::updateButtons);

    // Fits a 1366x768 screen with room for long session lines.
    resize(900, 560);
    if (known)
        showOutcome(Outcome{std::move(known), {}});
    else
        runChecks();
}

PreflightDialog::~PreflightDialog()
{
    // The override must be logged before anyone starts the run on it.
    m_recording.waitForFinished();
}

void PreflightDialog::runChecks()
{
    if (isChecking())
        return;
    m_summary->setText(tr("Checking %1 and %2\u2026").arg(m_plan.source.display(), m_plan.target.display()));
    m_busy->show();
    m_error->hide();
    m_checking = true;
    const Plan plan = m_plan;
    m_checks.start(
        [plan] {
            auto r = runPreflight(plan);
            return r ? Outcome{*r, {}} : Outcome{std::nullopt, r.error().message};
        },
        [this](const Outcome &outcome) { showOutcome(outcome); });
    updateButtons();
}

void PreflightDialog::showOutcome(const Outcome &outcome)
{
    m_checking = false;
    m_busy->hide();
    m_report = outcome.report;
    m_list->clear();
    if (!m_report) {
        m_summary->setText(tr("The preflight could not run: %1").arg(outcome.error));
        updateButtons();
        emit checksDone();
        return;
    }
    for (const PreflightCheck &c : m_report->checks) {
        auto *item = new QTreeWidgetItem(m_list, {wordFor(c.status), c.title});
        item->setIcon(0, iconFor(style(), c.status));
        item->setData(0, CheckIdRole, c.id);
        item->setToolTip(1, c.id);
        for (const QString &line : c.details) {
            auto *detail = new QTreeWidgetItem(item, {line});
            detail->setFirstColumnSpanned(true);
            detail->setToolTip(0, line);
        }
        item->setExpanded(c.status != CheckStatus::Ok);
    }
    const int blockers = int(m_report->idsWith(CheckStatus::Blocker).size());
    const int warnings = int(m_report->idsWith(CheckStatus::Warning).size());
    const QString warningText = warnings == 1 ? tr("1 warning") : tr("%1 warnings").arg(warnings);
    if (blockers > 0)
        m_summary->setText((blockers == 1 ? tr("1 blocker") : tr("%1 blockers").arg(blockers))
                           + tr(": the run does not start unless you override it.")
                           + (warnings > 0 ? u' ' + tr("Also %1.").arg(warningText) : QString()));
    else if (warnings > 0)
        m_summary->setText(tr("Ready to start, with %1 to read first.").arg(warningText));
    else
        m_summary->setText(tr("Ready to start: every check passed."));
    updateButtons();
    emit checksDone();
}

void PreflightDialog::startAnyway()
{
    if (!m_report || !m_startAnyway->isEnabled())
        return;
    const PreflightOverride decision{m_who->text().simplified(), m_reason->text().simplified()};
    const QStringList ids = m_report->idsWith(CheckStatus::Blocker);
    const Plan plan = m_plan;
    m_override = decision;
    m_recordingOverride = true;
    m_recording.start(
        [plan, ids, decision] {
            const Status st = recordOverride(plan, ids, decision);
            return st ? QString() : st.error().message; // "" once logged, else why not
        },
        [this](const QString &error) { onOverrideRecorded(error); });
    updateButtons();
}

void PreflightDialog::onOverrideRecorded(const QString &error)
{
    m_recordingOverride = false;
    if (!error.isEmpty()) {
        m_override.reset();
        m_error->setText(tr("The override could not be logged, so the run does not start: %1").arg(error));
        m_error->show();
        updateButtons();
        return;
    }
    accept();
}

void PreflightDialog::updateButtons()
{
    const bool busy = m_checking || m_recordingOverride;
    const bool blocked = m_report && m_report->hasBlockers();
    m_runAgain->setEnabled(!busy);
    m_start->setVisible(!blocked);
    m_start->setEnabled(!busy && m_report && !blocked);
    m_overrideBox->setVisible(blocked);
    m_startAnyway->setVisible(blocked);
    m_startAnyway->setEnabled(!busy && blocked && m_confirm->isChecked() && !m_who->text().trimmed().isEmpty()
                              && !m_reason->text().trimmed().isEmpty());
    m_startAnyway->setDefault(blocked);
}

} // namespace cockpit
