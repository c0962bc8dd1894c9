#pragma once
// File > Settings…: the UI refresh rate, default threads for new plans, the log level and
// whether destructive actions ask first. OK saves to QSettings (AppSettings); the window
// applies the values right away. GUI thread only.

#include "ui/appsettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QSpinBox;

namespace cockpit {

class SettingsDialog final : public QDialog {
    Q_OBJECT
public:
    explicit SettingsDialog(const AppSettings &current, QWidget *parent = nullptr);

    AppSettings settings() const; // what the fields hold now

    QSpinBox *refreshBox() const { return m_refresh; }
    QSpinBox *threadsBox() const { return m_threads; }
    QComboBox *logLevelBox() const { return m_logLevel; }
    QCheckBox *confirmBox() const { return m_confirm; }

    void accept() override; // saves, then closes

private:
    QSpinBox *m_refresh = nullptr;
    QSpinBox *m_threads = nullptr;
    QComboBox *m_logLevel = nullptr;
    QCheckBox *m_confirm = nullptr;
};

} // namespace cockpit
