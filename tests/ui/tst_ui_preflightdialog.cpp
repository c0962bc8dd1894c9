// The preflight dialog on real databases: a SQLite source it writes, and the test PostgreSQL
// server where the test holds a second session of its own. The dialog must list that session as
// a Blocker and keep "Start anyway" disabled until the override is confirmed with a reason, then
// log the override with the run. The window's Run goes through it.

#include "run/upgraderun.h"
#include "store/controlstore.h"
#include "ui/mainwindow.h"
#include "ui/preflightdialog.h"
#include "ui/preflightgate.h"

#include <QAction>
#include <QCheckBox>
#include <QGroupBox>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>
#include <QUrl>
#include <QUuid>

using namespace cockpit;

namespace {

void execSqlite(const QString &path, const QStringList &statements)
{
    const QString name = QUuid::createUuid().toString();
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        QVERIFY(db.open());
        for (const QString &sql : statements) {
            QSqlQuery q(db);
            QVERIFY2(q.exec(sql), qPrintable(q.lastError().text()));
        }
    }
    QSqlDatabase::removeDatabase(name);
}

Plan planFor(const QTemporaryDir &dir, const QString &targetUrl)
{
    const QString source = dir.filePath(QStringLiteral("source.db"));
    execSqlite(source, {QStringLiteral("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)"),
                        QStringLiteral("INSERT INTO items VALUES (1, 'one'), (2, 'two')")});
    auto s = ConnectionUrl::parse(QStringLiteral("sqlite:///") + source, dir.path());
    auto t = ConnectionUrl::parse(targetUrl, dir.path());
    Q_ASSERT(s.ok() && t.ok());
    return Plan::fromUrls(*s, *t, dir.filePath(QStringLiteral("upgrade.state.db")));
}

QTreeWidgetItem *checkItem(PreflightDialog &dialog, const QString &id)
{
    QTreeWidget *list = dialog.checkList();
    for (int i = 0; i < list->topLevelItemCount(); ++i)
        if (list->topLevelItem(i)->data(0, PreflightDialog::CheckIdRole).toString() == id)
            return list->topLevelItem(i);
    return nullptr;
}

QStringList detailLines(QTreeWidgetItem *item)
{
    QStringList lines;
    for (int i = 0; item && i < item->childCount(); ++i)
        lines << item->child(i)->text(0);
    return lines;
}

} // namespace

class TestPreflightDialog : public QObject {
    Q_OBJECT
private slots:
    void listsASecondSessionAndStartsOnlyWithAnOverride();
    void cleanPlanStartsWithoutOverride();
    void windowRunShowsThePreflightWhenATableBlocks();
};

void TestPreflightDialog::listsASecondSessionAndStartsOnlyWithAnOverride()
{
    const QString server = qEnvironmentVariable("COCKPIT_TEST_PG_URL");
    if (server.isEmpty())
        QSKIP("COCKPIT_TEST_PG_URL is not set (scripts/test-servers.sh starts the server)");
    // The test's own session: it makes the target schema and stays connected while the dialog
    // looks, under an application name only this test uses.
    const QString schema = QStringLiteral("t_") + QUuid::createUuid().toString(QUuid::Id128).left(12);
    const QString marker = QStringLiteral("preflight-ui-") + schema;
    const QUrl u(server);
    QSqlDatabase second = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), marker);
    second.setHostName(u.host());
    second.setPort(u.port(5432));
    second.setUserName(u.userName());
    second.setDatabaseName(u.path().mid(1));
    second.setConnectOptions(QStringLiteral("application_name=") + marker);
    QVERIFY2(second.open(), qPrintable(second.lastError().text()));
    auto cleanup = qScopeGuard([&] {
        QSqlQuery(second).exec(QStringLiteral("DROP SCHEMA IF EXISTS %1 CASCADE").arg(schema));
        second.close();
        second = QSqlDatabase();
        QSqlDatabase::removeDatabase(marker);
    });
    QVERIFY(QSqlQuery(second).exec(QStringLiteral("CREATE SCHEMA %1").arg(schema)));

    QTemporaryDir dir;
    const Plan plan = planFor(dir, server + QStringLiteral("?schema=") + schema);
    QVERIFY(ControlStore::open(plan.statePath).ok()); // the run's log, opened as the window would have

    PreflightDialog dialog(plan);
    QSignalSpy done(&dialog, &PreflightDialog::checksDone);
    dialog.show();
    QVERIFY(done.wait(60'000));
    QVERIFY(dialog.report().has_value());

    QTreeWidgetItem *sessions = checkItem(dialog, QStringLiteral("target.sessions"));
    QVERIFY(sessions);
    QCOMPARE(sessions->text(0), QStringLiteral("Blocker")); // said in words, not color only
    QVERIFY(!sessions->icon(0).isNull());
    QVERIFY(sessions->isExpanded());
    const QStringList lines = detailLines(sessions);
    QVERIFY2(lines.join(u'\n').contains(QStringLiteral("application \"%1\"").arg(marker)), qPrintable(lines.join(u'\n')));
    QCOMPARE(checkItem(dialog, QStringLiteral("target.connect"))->text(0), QStringLiteral("OK"));

    // Blockers: no plain Start; Start anyway needs the confirmation, a name and a reason.
    QVERIFY(!dialog.startButton()->isVisible());
    QVERIFY(dialog.startAnywayButton()->isVisible());
    QVERIFY(!dialog.startAnywayButton()->isEnabled());
    QVERIFY(!dialog.whoEdit()->text().isEmpty()); // the login, to start from
    dialog.confirmBox()->setChecked(true);
    QVERIFY(!dialog.startAnywayButton()->isEnabled()); // no reason yet
    dialog.reasonEdit()->setText(QStringLiteral("   "));
    QVERIFY(!dialog.startAnywayButton()->isEnabled()); // blanks are no reason
    dialog.reasonEdit()->setText(QStringLiteral("the other session is our read-only monitor"));
    QVERIFY(dialog.startAnywayButton()->isEnabled());
    dialog.confirmBox()->setChecked(false);
    QVERIFY(!dialog.startAnywayButton()->isEnabled());
    dialog.confirmBox()->setChecked(true);
    dialog.whoEdit()->setText(QStringLiteral("alice"));
    QVERIFY(dialog.startAnywayButton()->isEnabled());

    if (const QString shots = qEnvironmentVariable("COCKPIT_UI_SCREENSHOTS"); !shots.isEmpty())
        QVERIFY(dialog.grab().save(shots + QStringLiteral("/preflight.png")));

    QTest::mouseClick(dialog.startAnywayButton(), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(dialog.result(), int(QDialog::Accepted), 10'000);
    QCOMPARE(dialog.overrideDecision()->who, QStringLiteral("alice"));
    auto store = ControlStore::open(plan.statePath);
    QVERIFY(store.ok());
    auto log = (*store)->log(QString(), 10);
    QVERIFY(log.ok());
    QStringList messages;
    for (const LogLine &l : *log)
        messages << l.message;
    QVERIFY2(messages.contains(QStringLiteral("preflight override by alice: started despite %1; reason: the other "
                                              "session is our read-only monitor")
                                   .arg(dialog.report()->idsWith(CheckStatus::Blocker).join(QStringLiteral(", ")))),
             qPrintable(messages.join(u'\n')));
}

void TestPreflightDialog::cleanPlanStartsWithoutOverride()
{
    QTemporaryDir dir;
    PreflightDialog dialog(planFor(dir, QStringLiteral("sqlite:target.db")));
    QSignalSpy done(&dialog, &PreflightDialog::checksDone);
    dialog.show();
    QVERIFY(done.wait(30'000));
    QVERIFY(dialog.report().has_value());
    QVERIFY(!dialog.report()->hasBlockers());
    QCOMPARE(checkItem(dialog, QStringLiteral("source.sessions"))->text(0), QStringLiteral("OK"));
    QVERIFY(dialog.startButton()->isVisible());
    QVERIFY(dialog.startButton()->isEnabled());
    QVERIFY(!dialog.startAnywayButton()->isVisible());
    QVERIFY(!dialog.findChild<QGroupBox *>(QStringLiteral("override"))->isVisible());
    // Run again refreshes the same list.
    QTest::mouseClick(dialog.runAgainButton(), Qt::LeftButton);
    QVERIFY(!dialog.startButton()->isEnabled()); // while checking
    QVERIFY(done.wait(30'000));
    QVERIFY(dialog.startButton()->isEnabled());
    QTest::mouseClick(dialog.startButton(), Qt::LeftButton);
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
    QVERIFY(!dialog.overrideDecision());
}

void TestPreflightDialog::windowRunShowsThePreflightWhenATableBlocks()
{
    QTemporaryDir dir;
    const Plan plan = planFor(dir, QStringLiteral("sqlite:target.db"));
    execSqlite(dir.filePath(QStringLiteral("target.db")), {QStringLiteral("CREATE TABLE items (id INTEGER)")});
    MainWindow window;
    QSignalSpy opened(&window, &MainWindow::runOpened);
    window.openPlan(plan);
    QVERIFY(opened.wait(60'000));
    QVERIFY(opened.first().at(0).toBool());

    window.action(MainWindow::Command::Run)->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(window.preflight()->dialog(), 30'000);
    PreflightDialog *dialog = window.preflight()->dialog();
    QTRY_VERIFY_WITH_TIMEOUT(dialog->report().has_value(), 30'000);
    QTreeWidgetItem *tables = checkItem(*dialog, QStringLiteral("target.tables"));
    QVERIFY(tables);
    QCOMPARE(tables->text(0), QStringLiteral("Blocker"));
    QVERIFY(detailLines(tables).join(u'\n').contains(QStringLiteral(": items")));
    dialog->reject(); // Cancel: the run does not start
    QTRY_VERIFY(!window.preflight()->dialog());
    QCOMPARE(window.run()->snapshot(0).summary.dispatching, false);

    // Run > Preflight… opens it on demand.
    QAction *menuAction = window.menuBar()->findChild<QAction *>(QStringLiteral("preflightAction"));
    QVERIFY(menuAction);
    menuAction->trigger();
    QVERIFY(window.preflight()->dialog());
    window.preflight()->dialog()->reject();
}

QTEST_MAIN(TestPreflightDialog)
#include "tst_ui_preflightdialog.moc"
