// upgrade-cockpit [PLAN]: the data upgrade cockpit window. Without PLAN it opens the demo in
// the per-user data folder, writing it (on a worker thread) the first time.

#include "plan/plan.h"
#include "store/statelocation.h"
#include "ui/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QMessageBox>
#include <QStandardPaths>
#include <QTimer>
#include <cstdio>
#include <sys/stat.h>

namespace {

// Exit codes: 0 ok, 1 usage, 2 the plan (or run) could not be opened, 3 smoke test timed out.
constexpr int kExitUsage = 1;
constexpr int kExitBadPlan = 2;
constexpr int kExitSmokeTimeout = 3;

bool looksLikeSqlite(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) && f.read(16) == QByteArray("SQLite format 3\0", 16);
}

void printError(const QString &text)
{
    std::fprintf(stderr, "upgrade-cockpit: %s\n", qPrintable(text));
}

} // namespace

int main(int argc, char *argv[])
{
    // User-only files and folders (the state, logs, rejects, reports): see upgradectl's main.
    ::umask(077);
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("upgrade-cockpit"));
    QApplication::setApplicationVersion(QStringLiteral(COCKPIT_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QApplication::translate("main", "Data upgrade cockpit: copies every table from a source "
                                        "database to a target database, then builds indexes "
                                        "and validates."));
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        QStringLiteral("PLAN"),
        QApplication::translate("main", "The upgrade plan (JSON), or a run's control store "
                                        "(a .db file or a postgresql:// URL). Without it, the "
                                        "demo is opened."),
        QStringLiteral("[PLAN]"));
    const QCommandLineOption runOption(
        QStringLiteral("run"), QApplication::translate("main", "Press Run as soon as the plan is open."));
    QCommandLineOption smokeOption(
        QStringLiteral("smoke-test"),
        QStringLiteral("Open, show, and quit with 0 after MS milliseconds (packaging tests)."),
        QStringLiteral("MS"));
    smokeOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"),
        QStringLiteral("With --smoke-test: save the window to FILE (PNG) just before quitting."),
        QStringLiteral("FILE"));
    screenshotOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption demoRowsOption(
        QStringLiteral("demo-rows"),
        QStringLiteral("Rows of INVENTTRANS when the demo is written (default 1000000)."),
        QStringLiteral("ROWS"));
    demoRowsOption.setFlags(QCommandLineOption::HiddenFromHelp);
    QCommandLineOption selectOption(
        QStringLiteral("select"),
        QStringLiteral("With --smoke-test: select TASK in the grid before the screenshot (its details show)."),
        QStringLiteral("TASK"));
    selectOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(selectOption);
    QCommandLineOption dockOption(
        QStringLiteral("dock"),
        QStringLiteral("With --smoke-test: bring the dock NAME (its object name, e.g. batchGroupsDock) to the front."),
        QStringLiteral("NAME"));
    dockOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(dockOption);
    QCommandLineOption sizeOption(QStringLiteral("window-size"),
                                  QStringLiteral("Open the window at WxH pixels (screenshots)."), QStringLiteral("WxH"));
    sizeOption.setFlags(QCommandLineOption::HiddenFromHelp);
    parser.addOption(sizeOption);
    parser.addOption(runOption);
    parser.addOption(smokeOption);
    parser.addOption(screenshotOption);
    parser.addOption(demoRowsOption);
    parser.process(app);

    const QStringList args = parser.positionalArguments();
    if (args.size() > 1) {
        printError(QApplication::translate("main", "expected at most one PLAN, got %1 arguments")
                       .arg(args.size()));
        return kExitUsage;
    }
    const bool smokeTest = parser.isSet(smokeOption);
    bool ok = true;
    const int smokeMs = smokeTest ? parser.value(smokeOption).toInt(&ok) : 0;
    if (!ok || smokeMs < 0) {
        printError(QStringLiteral("--smoke-test expects milliseconds"));
        return kExitUsage;
    }
    qint64 demoRows = 1'000'000;
    if (parser.isSet(demoRowsOption)) {
        demoRows = parser.value(demoRowsOption).toLongLong(&ok);
        if (!ok || demoRows < 0) {
            printError(QStringLiteral("--demo-rows expects a row count"));
            return kExitUsage;
        }
    }

    // A plan that cannot be opened is the administrator's first sight of the tool: say
    // exactly what is wrong (the loader names file, line, column and JSON path) and stop.
    auto fail = [smokeTest](QWidget *parent, const QString &error) {
        printError(error);
        if (!smokeTest)
            QMessageBox::critical(parent,
                                  QApplication::translate("main", "Cannot open the upgrade plan"),
                                  error);
    };

    cockpit::MainWindow window;
    window.setStartWhenOpened(parser.isSet(runOption));
    QObject::connect(&window, &cockpit::MainWindow::runOpened, &window,
                     [&window, &fail](bool opened, const QString &error) {
                         if (opened)
                             return;
                         fail(&window, error);
                         QCoreApplication::exit(kExitBadPlan);
                     });

    if (args.isEmpty()) {
        const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
                          + QStringLiteral("/demo");
        window.openDemo(dir, demoRows);
    } else {
        const QString path = QFileInfo(args.first()).absoluteFilePath();
        if (cockpit::statelocation::isUrl(args.first())) {
            window.openState(args.first()); // a PostgreSQL control store
        } else if (looksLikeSqlite(path)) {
            window.openState(path);
        } else {
            auto plan = cockpit::loadPlan(path);
            if (!plan) {
                fail(nullptr, plan.error().message);
                return kExitBadPlan;
            }
            window.openPlan(*plan);
        }
    }
    if (parser.isSet(sizeOption)) {
        const QStringList wh = parser.value(sizeOption).split(u'x');
        if (wh.size() == 2 && wh[0].toInt() > 0 && wh[1].toInt() > 0)
            window.resize(wh[0].toInt(), wh[1].toInt());
    }
    window.show();

    if (smokeTest) {
        const QString screenshot = parser.value(screenshotOption);
        const QString select = parser.value(selectOption);
        if (!select.isEmpty()) // a moment before the screenshot, so the details pane has read its tabs
            QTimer::singleShot(std::max(0, smokeMs - 1500), &window, [&window, select] { window.selectTasks({select}); });
        if (auto *dock = window.findChild<QDockWidget *>(parser.value(dockOption)); dock && parser.isSet(dockOption)) {
            dock->show();
            dock->raise();
        }
        QTimer::singleShot(smokeMs, &window, [&window, screenshot] {
            if (!screenshot.isEmpty() && !window.grab().save(screenshot))
                printError(QStringLiteral("could not write %1").arg(screenshot));
            window.closePausingRun(); // waits for a running copy to stop at its next batch
        });
        // Closing waits for the run to stop; a hang must still fail the packaging test.
        QTimer::singleShot(smokeMs + 120'000, &app, [] {
            printError(QStringLiteral("smoke test: the window did not close in time"));
            QCoreApplication::exit(kExitSmokeTimeout);
        });
    }
    return app.exec();
}
