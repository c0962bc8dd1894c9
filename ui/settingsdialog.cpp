#include "ui/settingsdialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QSpinBox>
#include <QVBoxLayout>

namespace cockpit {

SettingsDialog::SettingsDialog(const AppSettings &current, QWidget *parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));

    m_refresh = new QSpinBox(this);
    m_refresh->setObjectName(QStringLiteral("refreshMs"));
    m_refresh->setRange(AppSettings::kMinRefreshMs, AppSettings::kMaxRefreshMs);
    m_refresh->setSingleStep(50);
    m_refresh->setSuffix(tr(" ms"));
    m_refresh->setValue(current.refreshMs);
    m_refresh->setToolTip(tr("How often the grid, the summary and the timeline ask the run for "
                             "changes. Lower is livelier; higher costs less on a busy machine."));

    m_threads = new QSpinBox(this);
    m_threads->setObjectName(QStringLiteral("defaultThreads"));
    m_threads->setRange(AppSettings::kMinThreads, AppSettings::kMaxThreads);
    m_threads->setValue(current.defaultThreads);
    m_threads->setToolTip(tr("Threads each batch group of a new upgrade starts with (File > New "
                             "upgrade). Plans already saved keep theirs."));

    m_logLevel = new QComboBox(this);
    m_logLevel->setObjectName(QStringLiteral("logLevel"));
    m_logLevel->addItems(AppSettings::logLevels());
    m_logLevel->setCurrentText(current.logLevel);
    m_logLevel->setToolTip(tr("The least severe messages written to the run's log file."));

    m_confirm = new QCheckBox(tr("Ask before Skip and Cancel"), this);
    m_confirm->setObjectName(QStringLiteral("confirmDestructive"));
    m_confirm->setChecked(current.confirmDestructive);

    auto *form = new QFormLayout;
    form->addRow(tr("UI &refresh interval:"), m_refresh);
    form->addRow(tr("Default &threads for new plans:"), m_threads);
    form->addRow(tr("&Log level:"), m_logLevel);
    form->addRow(QString(), m_confirm);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);
}

AppSettings SettingsDialog::settings() const
{
    AppSettings s;
    s.refreshMs = m_refresh->value();
    s.defaultThreads = m_threads->value();
    s.logLevel = m_logLevel->currentText();
    s.confirmDestructive = m_confirm->isChecked();
    return s;
}

void SettingsDialog::accept()
{
    settings().save();
    QDialog::accept();
}

} // namespace cockpit
