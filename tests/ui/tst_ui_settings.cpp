// File > Settings and the remembered layout: values persist to a temporary QSettings file and
// reach the window (refresh interval, confirmations, new plans' threads); the geometry, docks
// and the grid's columns and sort come back in a new window.

#include "log/logging.h"
#include "ui/appsettings.h"
#include "ui/mainwindow.h"
#include "ui/newupgradedialog.h"
#include "ui/settingsdialog.h"
#include "ui/tasktablemodel.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QHeaderView>
#include <QSettings>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace cockpit;

class TestSettings : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();

    void dialogValuesPersistAndApply();
    void settingsMenuAppliesToTheOpenWindow();
    void badStoredValuesFallBackToDefaults();
    void newPlansStartWithTheDefaultThreads();
    void geometryDocksAndColumnsComeBackInANewWindow();

private:
    QTemporaryDir m_settingsDir;
};

void TestSettings::initTestCase()
{
    QVERIFY(m_settingsDir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
}

void TestSettings::init()
{
    QSettings().clear();
}

void TestSettings::dialogValuesPersistAndApply()
{
    SettingsDialog dialog(AppSettings::load());
    QCOMPARE(dialog.refreshBox()->value(), 250); // defaults on a fresh profile
    QVERIFY(dialog.confirmBox()->isChecked());
    dialog.refreshBox()->setValue(1000);
    dialog.threadsBox()->setValue(6);
    dialog.logLevelBox()->setCurrentText(QStringLiteral("debug"));
    dialog.confirmBox()->setChecked(false);
    if (const QString shots = qEnvironmentVariable("COCKPIT_SCREENSHOT_DIR"); !shots.isEmpty()) {
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.grab().save(shots + QStringLiteral("/settings.png"));
    }
    dialog.accept();

    // On disk, in the temporary settings folder.
    QSettings settings;
    settings.sync();
    QVERIFY2(settings.fileName().startsWith(m_settingsDir.path()), qPrintable(settings.fileName()));
    QVERIFY(QFileInfo::exists(settings.fileName()));
    const AppSettings loaded = AppSettings::load();
    QCOMPARE(loaded.refreshMs, 1000);
    QCOMPARE(loaded.defaultThreads, 6);
    QCOMPARE(loaded.logLevel, QStringLiteral("debug"));
    QCOMPARE(loaded.confirmDestructive, false);

    // A new window starts with them.
    MainWindow window;
    QCOMPARE(window.model()->refreshInterval(), 1000);
}

void TestSettings::settingsMenuAppliesToTheOpenWindow()
{
    MainWindow window;
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *open = window.findChild<QAction *>(QStringLiteral("actionSettings"));
    QVERIFY(open);
    QVERIFY(!open->shortcut().isEmpty() || QKeySequence::keyBindings(QKeySequence::Preferences).isEmpty());
    open->trigger();
    SettingsDialog *dialog = nullptr;
    QTRY_VERIFY((dialog = window.findChild<SettingsDialog *>()) != nullptr);
    QTRY_VERIFY(dialog->isVisible());
    dialog->refreshBox()->setValue(500);
    dialog->logLevelBox()->setCurrentText(QStringLiteral("error"));
    dialog->accept();
    QCOMPARE(window.model()->refreshInterval(), 500);
    QCOMPARE(logger("scheduler")->level(), spdlog::level::err);
    QCOMPARE(AppSettings::load().refreshMs, 500);
}

void TestSettings::badStoredValuesFallBackToDefaults()
{
    {
        QSettings settings;
        settings.setValue(QStringLiteral("settings/refreshMs"), 5); // below the minimum
        settings.setValue(QStringLiteral("settings/defaultThreads"), QStringLiteral("many"));
        settings.setValue(QStringLiteral("settings/logLevel"), QStringLiteral("loud"));
    }
    const AppSettings loaded = AppSettings::load();
    const AppSettings defaults;
    QCOMPARE(loaded.refreshMs, defaults.refreshMs);
    QCOMPARE(loaded.defaultThreads, defaults.defaultThreads);
    QCOMPARE(loaded.logLevel, defaults.logLevel);
}

void TestSettings::newPlansStartWithTheDefaultThreads()
{
    AppSettings s;
    s.defaultThreads = 5;
    s.save();
    NewUpgradeDialog dialog;
    QCOMPARE(dialog.threadsBox(0)->value(), 5);
    QCOMPARE(dialog.threadsBox(1)->value(), 5);
}

void TestSettings::geometryDocksAndColumnsComeBackInANewWindow()
{
    QByteArray headerState;
    int movedTo = -1;
    int width = -1;
    {
        MainWindow window;
        window.resize(1100, 640);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QHeaderView *header = window.view()->horizontalHeader();
        header->moveSection(header->visualIndex(TaskTableModel::StateColumn), 0);
        header->resizeSection(TaskTableModel::TaskColumn, 333);
        window.view()->sortByColumn(TaskTableModel::RateColumn, Qt::DescendingOrder);
        window.findChild<QDockWidget *>(QStringLiteral("detailsDock"))->hide();
        movedTo = header->visualIndex(TaskTableModel::StateColumn);
        width = header->sectionSize(TaskTableModel::TaskColumn);
        QCOMPARE(movedTo, 0);
        QVERIFY(window.close());
    }
    MainWindow again;
    again.show();
    QVERIFY(QTest::qWaitForWindowExposed(&again));
    QCOMPARE(again.size(), QSize(1100, 640));
    QHeaderView *header = again.view()->horizontalHeader();
    QCOMPARE(header->visualIndex(TaskTableModel::StateColumn), movedTo);
    QCOMPARE(header->sectionSize(TaskTableModel::TaskColumn), width);
    QCOMPARE(header->sortIndicatorSection(), int(TaskTableModel::RateColumn));
    QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
    QVERIFY(!again.findChild<QDockWidget *>(QStringLiteral("detailsDock"))->isVisible());
    QVERIFY(again.findChild<QDockWidget *>(QStringLiteral("logDock"))->isVisible());
}

QTEST_MAIN(TestSettings)
#include "tst_ui_settings.moc"
