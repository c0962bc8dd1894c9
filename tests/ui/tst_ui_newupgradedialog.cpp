// File > New upgrade, Open recent and Save plan as, on a real SQLite demo source (and the test
// PostgreSQL server for a refused password). Row counts are checked against plain SQL.

#include "demo/demogenerator.h"
#include "engine/credentials.h"
#include "run/upgraderun.h"
#include "ui/connectionform.h"
#include "ui/mainwindow.h"
#include "ui/newupgradedialog.h"
#include "ui/planfileactions.h"
#include "ui/recentplans.h"
#include "ui/tasktablemodel.h"

#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QPushButton>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace cockpit;

class TestNewUpgradeDialog : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void init();
    void cleanup();
    void listsTheSourceTablesWithTheirRowCounts();
    void searchFiltersTheTableList();
    void savedPlanExcludesUntickedTablesAndHoldsNoPassword();
    void wrongPostgresPasswordShowsOneLineError();
    void formKeepsTheUrlsTlsParameters();
    void recentListPutsOpenedPlanFirstAndDropsMissingFiles();
    void newUpgradeOpensTheSavedPlanInTheWindow();

private:
    // Fills the forms with the demo's source and a target beside it and waits for the list.
    bool fillAndLoad(NewUpgradeDialog &dialog);
    // Table name -> count(*), read with plain SQL from the demo's source.
    QMap<QString, qint64> sourceCounts() const;

    QTemporaryDir m_settingsDir;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_source;
};

void TestNewUpgradeDialog::initTestCase()
{
    // Recent plans go to a settings file of this test, never the user's.
    QVERIFY(m_settingsDir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
}

void TestNewUpgradeDialog::init()
{
    recentplans::clear();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    auto plan = writeDemo(DemoOptions{m_dir->path(), 5000, 0.05});
    QVERIFY2(plan.ok(), plan.ok() ? "" : qPrintable(plan.error().message));
    m_source = plan->source.path;
}

void TestNewUpgradeDialog::cleanup()
{
    m_dir.reset();
}

QMap<QString, qint64> TestNewUpgradeDialog::sourceCounts() const
{
    QMap<QString, qint64> counts;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("counts"));
        db.setDatabaseName(m_source);
        if (!db.open())
            return counts;
        QSqlQuery names(db);
        names.exec(QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"));
        QStringList tables;
        while (names.next())
            tables << names.value(0).toString();
        for (const QString &t : tables) {
            QSqlQuery count(db);
            count.exec(QStringLiteral("SELECT count(*) FROM \"%1\"").arg(t));
            count.next();
            counts.insert(t, count.value(0).toLongLong());
        }
    }
    QSqlDatabase::removeDatabase(QStringLiteral("counts"));
    return counts;
}

bool TestNewUpgradeDialog::fillAndLoad(NewUpgradeDialog &dialog)
{
    ConnectionForm *source = dialog.sourceForm();
    source->engineBox()->setCurrentIndex(source->engineBox()->findData(int(EngineKind::SQLite)));
    source->fileEdit()->setText(m_source);
    ConnectionForm *target = dialog.targetForm();
    target->engineBox()->setCurrentIndex(target->engineBox()->findData(int(EngineKind::SQLite)));
    target->fileEdit()->setText(m_dir->filePath(QStringLiteral("new-target.db")));
    QSignalSpy loaded(&dialog, &NewUpgradeDialog::tablesLoaded);
    QTest::mouseClick(source->testButton(), Qt::LeftButton);
    if (!loaded.wait(60'000) || !loaded.first().at(0).toBool()) {
        qWarning("tables not loaded: %s", loaded.isEmpty() ? "timeout" : qPrintable(loaded.first().at(1).toString()));
        return false;
    }
    return true;
}

void TestNewUpgradeDialog::listsTheSourceTablesWithTheirRowCounts()
{
    NewUpgradeDialog dialog;
    dialog.show();
    QVERIFY(fillAndLoad(dialog));
    QVERIFY(dialog.sourceForm()->statusText().contains(QStringLiteral("Connected to source.db")));

    const QMap<QString, qint64> counts = sourceCounts();
    QVERIFY(counts.size() > 10);
    QStringList listed = dialog.tableNames();
    listed.sort();
    QCOMPARE(listed, counts.keys());

    const QSortFilterProxyModel *proxy = dialog.tableProxy();
    QCOMPARE(proxy->rowCount(), counts.size());
    for (int row = 0; row < proxy->rowCount(); ++row) {
        const QString name = proxy->index(row, NewUpgradeDialog::NameColumn).data().toString();
        QCOMPARE(proxy->index(row, NewUpgradeDialog::NameColumn).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QCOMPARE(proxy->index(row, NewUpgradeDialog::RowsColumn).data().toString(),
                 TaskTableModel::formatCount(counts.value(name)));
        QVERIFY(!proxy->index(row, NewUpgradeDialog::SizeColumn).data().toString().isEmpty());
    }
    QCOMPARE(dialog.checkedTables().size(), counts.size());
}

void TestNewUpgradeDialog::searchFiltersTheTableList()
{
    NewUpgradeDialog dialog;
    dialog.show();
    QVERIFY(fillAndLoad(dialog));
    const QStringList all = dialog.tableNames();
    const QStringList expected = all.filter(QStringLiteral("invent"), Qt::CaseInsensitive);
    QVERIFY(!expected.isEmpty());
    QVERIFY(expected.size() < all.size());

    QTest::keyClicks(dialog.searchEdit(), QStringLiteral("invent"));
    const QSortFilterProxyModel *proxy = dialog.tableProxy();
    QStringList shown;
    for (int row = 0; row < proxy->rowCount(); ++row)
        shown << proxy->index(row, NewUpgradeDialog::NameColumn).data().toString();
    QCOMPARE(shown, expected);

    // Select none acts on what the search shows only.
    dialog.setVisibleChecked(false);
    QCOMPARE(dialog.checkedTables().size(), all.size() - expected.size());
    for (const QString &name : expected)
        QVERIFY(!dialog.checkedTables().contains(name));

    dialog.searchEdit()->clear();
    QCOMPARE(proxy->rowCount(), all.size());
}

void TestNewUpgradeDialog::savedPlanExcludesUntickedTablesAndHoldsNoPassword()
{
    NewUpgradeDialog dialog;
    dialog.show();
    QVERIFY(fillAndLoad(dialog));
    const QStringList all = dialog.tableNames();
    const QStringList unticked{all.at(1), all.at(3)};
    for (const QString &t : unticked)
        dialog.setTableChecked(t, false);
    QCOMPARE(dialog.checkedTables().size(), all.size() - 2);

    // A server target with a typed password: it must reach memory only.
    const QString typed = QStringLiteral("typed-Secret-4711");
    ConnectionForm *target = dialog.targetForm();
    target->engineBox()->setCurrentIndex(target->engineBox()->findData(int(EngineKind::PostgreSQL)));
    QCOMPARE(target->portBox()->value(), 5432);
    target->hostEdit()->setText(QStringLiteral("db.example.org"));
    target->databaseEdit()->setText(QStringLiteral("ax2012"));
    target->schemaEdit()->setText(QStringLiteral("upgrade"));
    target->userEdit()->setText(QStringLiteral("admin"));
    target->passwordEdit()->setText(typed);
    dialog.threadsBox(0)->setValue(3);

    const QString path = m_dir->filePath(QStringLiteral("picked.json"));
    auto saved = dialog.savePlan(path);
    QVERIFY2(saved.ok(), saved.ok() ? "" : qPrintable(saved.error().message));

    auto loaded = loadPlan(path);
    QVERIFY2(loaded.ok(), loaded.ok() ? "" : qPrintable(loaded.error().message));
    for (const QString &t : all)
        QCOMPARE(loaded->includesTable(t), !unticked.contains(t));
    QCOMPARE(loaded->source.path, m_source);
    QCOMPARE(loaded->target.display(), QStringLiteral("postgresql://admin@db.example.org:5432/ax2012?schema=upgrade"));
    QCOMPARE(loaded->groups.size(), 2);
    QCOMPARE(loaded->groups[0].threads, 3);
    QCOMPARE(loaded->statePath, m_dir->filePath(QStringLiteral("picked.state.db")));

    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(!file.readAll().contains(typed.toUtf8()));
    QSettings().sync();
    QFile settings(QSettings().fileName());
    if (settings.open(QIODevice::ReadOnly))
        QVERIFY(!settings.readAll().contains(typed.toUtf8()));
    QCOMPARE(credentials::lookup(loaded->target).value_or(QString()), typed);
    credentials::forget(loaded->target);
}

void TestNewUpgradeDialog::wrongPostgresPasswordShowsOneLineError()
{
    const QString server = qEnvironmentVariable("COCKPIT_TEST_PG_URL");
    if (server.isEmpty())
        QSKIP("COCKPIT_TEST_PG_URL is not set");
    auto url = ConnectionUrl::parse(server, {});
    QVERIFY(url.ok());
    ConnectionForm form(ConnectionForm::Side::Source);
    form.show();
    form.setUrl(*url);
    form.setPassword(QStringLiteral("certainly-not-the-password"));
    QSignalSpy tested(&form, &ConnectionForm::tested);
    QTest::mouseClick(form.testButton(), Qt::LeftButton);
    QVERIFY(tested.wait(30'000));
    credentials::forget(*url);
    QCOMPARE(tested.first().at(0).toBool(), false);
    const QString status = form.statusText();
    QVERIFY2(status.contains(QStringLiteral("password authentication failed")), qPrintable(status));
    QVERIFY(!status.contains(QLatin1Char('\n')));
    QVERIFY(!status.contains(QStringLiteral("certainly-not-the-password")));
}

// The form has no TLS fields: a plan's TLS parameters survive editing its connection there, and
// are dropped only with a change of engine.
void TestNewUpgradeDialog::formKeepsTheUrlsTlsParameters()
{
    QFile ca(m_dir->filePath(QStringLiteral("ca.crt")));
    QVERIFY(ca.open(QIODevice::WriteOnly));
    ca.close();
    auto url = ConnectionUrl::parse(QStringLiteral("postgresql://ax@db1/ax?schema=dbo&sslmode=verify-full&sslrootcert=ca.crt"),
                                    m_dir->path());
    QVERIFY2(url.ok(), url.ok() ? "" : qPrintable(url.error().message));
    ConnectionForm form(ConnectionForm::Side::Target);
    form.setUrl(*url);
    form.hostEdit()->setText(QStringLiteral("db2"));
    auto edited = form.url();
    QVERIFY2(edited.ok(), edited.ok() ? "" : qPrintable(edited.error().message));
    QCOMPARE(edited->display(), QStringLiteral("postgresql://ax@db2:5432/ax?schema=dbo&sslmode=verify-full&sslrootcert=") + ca.fileName());
    form.engineBox()->setCurrentIndex(form.engineBox()->findData(int(EngineKind::MySQL)));
    auto other = form.url();
    QVERIFY2(other.ok(), other.ok() ? "" : qPrintable(other.error().message));
    QVERIFY(other->params.isEmpty());
}

void TestNewUpgradeDialog::recentListPutsOpenedPlanFirstAndDropsMissingFiles()
{
    auto touch = [this](const QString &name) {
        QFile f(m_dir->filePath(name));
        f.open(QIODevice::WriteOnly);
        return f.fileName();
    };
    const QString a = touch(QStringLiteral("a.json"));
    const QString b = touch(QStringLiteral("b.json"));
    recentplans::add(a);
    recentplans::add(b);
    QCOMPARE(recentplans::paths(), (QStringList{b, a}));
    recentplans::add(a);
    QCOMPARE(recentplans::paths(), (QStringList{a, b}));

    // Opening the demo's plan in the window puts it first.
    MainWindow window;
    auto *actions = window.findChild<PlanFileActions *>();
    QVERIFY(actions);
    auto plan = loadPlan(m_dir->filePath(QStringLiteral("plan.json")));
    QVERIFY(plan.ok());
    QSignalSpy opened(&window, &MainWindow::runOpened);
    actions->openRecent(plan->filePath);
    QVERIFY(opened.wait(60'000));
    QVERIFY(opened.first().at(0).toBool());
    QCOMPARE(recentplans::paths(), (QStringList{plan->filePath, a, b}));
    QCOMPARE(window.windowTitle(), QStringLiteral("Data upgrade cockpit (source.db -> target.db)"));

    // A missing file is greyed out in the menu, and dropped when the next plan opens.
    QVERIFY(QFile::remove(b));
    emit actions->recentMenu()->aboutToShow();
    const QList<QAction *> entries = actions->recentMenu()->actions();
    auto entry = [&](const QString &path) -> QAction * {
        for (QAction *e : entries)
            if (e->data().toString() == path)
                return e;
        return nullptr;
    };
    QVERIFY(entry(a) && entry(a)->isEnabled());
    QVERIFY(entry(b) && !entry(b)->isEnabled());
    recentplans::add(a);
    QCOMPARE(recentplans::paths(), (QStringList{a, plan->filePath}));

    // Opening a recent plan that went missing meanwhile drops it too.
    QVERIFY(QFile::remove(a));
    actions->openRecent(a);
    QCOMPARE(recentplans::paths(), (QStringList{plan->filePath}));
}

void TestNewUpgradeDialog::newUpgradeOpensTheSavedPlanInTheWindow()
{
    MainWindow window;
    window.show();
    auto *actions = window.findChild<PlanFileActions *>();
    QVERIFY(actions);
    QVERIFY(actions->newUpgradeAction()->isEnabled());
    QCOMPARE(actions->newUpgradeAction()->shortcut(), QKeySequence(QKeySequence::New));
    QVERIFY(!actions->savePlanAsAction()->isEnabled()); // nothing open yet

    NewUpgradeDialog *dialog = actions->newUpgrade();
    QVERIFY(fillAndLoad(*dialog));
    const QString excluded = dialog->tableNames().constFirst();
    dialog->setTableChecked(excluded, false);
    const QString path = m_dir->filePath(QStringLiteral("new.json"));
    QVERIFY(dialog->savePlan(path).ok());
    QSignalSpy opened(&window, &MainWindow::runOpened);
    dialog->accept();
    QVERIFY(opened.wait(60'000));
    QVERIFY2(opened.first().at(0).toBool(), qPrintable(opened.first().at(1).toString()));
    QCOMPARE(window.windowTitle(), QStringLiteral("Data upgrade cockpit (source.db -> new-target.db)"));
    QCOMPARE(recentplans::paths().value(0), path);
    for (int r = 0; r < window.model()->rowCount(); ++r)
        QVERIFY(window.model()->task(r).spec.table != excluded);

    // Save plan as writes the open run's plan elsewhere; it loads with the same choices.
    QVERIFY(actions->savePlanAsAction()->isEnabled());
    const QString copy = m_dir->filePath(QStringLiteral("copy/again.json"));
    QVERIFY(QDir().mkpath(QFileInfo(copy).absolutePath()));
    QVERIFY(actions->savePlanAs(copy).ok());
    auto again = loadPlan(copy);
    QVERIFY2(again.ok(), again.ok() ? "" : qPrintable(again.error().message));
    QVERIFY(!again->includesTable(excluded));
    QCOMPARE(again->target.path, m_dir->filePath(QStringLiteral("new-target.db")));
    QCOMPARE(recentplans::paths().value(0), copy);
}

QTEST_MAIN(TestNewUpgradeDialog)
#include "tst_ui_newupgradedialog.moc"
