// cockpit-guilatency: how smooth the cockpit window stays on a 10,000-task plan. It writes a
// many-table SQLite source (once), opens the real MainWindow on it, presses Run and, while the
// copy runs and a simulated user scrolls, sorts, filters and selects, probes the event loop
// with a 5 ms timer. Prints one report line (key=value) for bench/run. The target is 50 ms.
//
// cockpit-guilatency --dir DIR [--tables N] [--big-tables N] [--big-rows N] [--threads T]
//                    [--seconds S] [--screenshot FILE] [--no-user]

#include "latencyprobe.h"
#include "manytablesource.h"
#include "timedapplication.h"
#include "userexerciser.h"

#include "plan/plan.h"
#include "run/upgraderun.h"
#include "ui/mainwindow.h"
#include "ui/tasktablemodel.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QTableView>
#include <QTimer>
#include <cstdio>
#include <optional>

using namespace cockpit;
using namespace cockpit::bench;

namespace {

constexpr int kProbeIntervalMs = 5;
constexpr size_t kSlowEventsShown = 8;
constexpr int kUserStepMs = 150; // a quick typist: about 7 characters a second

int fail(const QString &error)
{
    std::fprintf(stderr, "cockpit-guilatency: %s\n", qPrintable(error));
    return 2;
}

QString figuresText(const char *prefix, const LatencyFigures &f)
{
    return QStringLiteral("%1_s=%2 %1_samples=%3 %1_max_ms=%4 %1_p99_ms=%5 %1_p50_ms=%6 "
                          "%1_over50=%7")
        .arg(QLatin1String(prefix))
        .arg(f.seconds, 0, 'f', 2)
        .arg(f.samples)
        .arg(f.maxMs, 0, 'f', 1)
        .arg(f.p99Ms, 0, 'f', 2)
        .arg(f.p50Ms, 0, 'f', 2)
        .arg(f.over50Ms);
}

// The toolbar's text filter (found by its placeholder: the window keeps it private).
QLineEdit *taskFilterEdit(MainWindow &window)
{
    for (QLineEdit *edit : window.findChildren<QLineEdit *>()) {
        if (edit->placeholderText().startsWith(QStringLiteral("Filter tasks")))
            return edit;
    }
    return nullptr;
}

// The 1-minute load average at the end (a loaded machine makes the GUI thread wait for a core).
QString loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("unknown");
    return QString::fromLatin1(f.readLine()).section(QLatin1Char(' '), 0, 0);
}

} // namespace

int main(int argc, char *argv[])
{
    TimedApplication app(argc, argv);
    // Its own settings: the bench must not add to the user's recent plans or window layout.
    QApplication::setOrganizationName(QStringLiteral("upgrade-cockpit-bench"));
    QApplication::setApplicationName(QStringLiteral("cockpit-guilatency"));

    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption dirOption(QStringLiteral("dir"), QStringLiteral("Work folder."),
                                       QStringLiteral("DIR"));
    const QCommandLineOption tablesOption(QStringLiteral("tables"), QStringLiteral("Tables (2000)."),
                                          QStringLiteral("N"), QStringLiteral("2000"));
    const QCommandLineOption bigTablesOption(QStringLiteral("big-tables"),
                                             QStringLiteral("Big tables among them (4)."),
                                             QStringLiteral("N"), QStringLiteral("4"));
    const QCommandLineOption bigRowsOption(QStringLiteral("big-rows"),
                                           QStringLiteral("Rows per big table (400000)."),
                                           QStringLiteral("N"), QStringLiteral("400000"));
    const QCommandLineOption threadsOption(QStringLiteral("threads"),
                                           QStringLiteral("Worker threads (2)."),
                                           QStringLiteral("T"), QStringLiteral("2"));
    const QCommandLineOption secondsOption(QStringLiteral("seconds"),
                                           QStringLiteral("Longest measured run (60)."),
                                           QStringLiteral("S"), QStringLiteral("60"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              QStringLiteral("Save the window (PNG) at the end."),
                                              QStringLiteral("FILE"));
    const QCommandLineOption idleOption(QStringLiteral("no-user"),
                                        QStringLiteral("Only watch: no simulated user input."));
    parser.addOptions({dirOption, tablesOption, bigTablesOption, bigRowsOption, threadsOption,
                       secondsOption, screenshotOption, idleOption});
    parser.process(app);

    if (!parser.isSet(dirOption))
        return fail(QStringLiteral("--dir is required"));
    auto number = [&](const QCommandLineOption &option, qint64 min) -> std::optional<qint64> {
        bool ok = false;
        const qint64 v = parser.value(option).toLongLong(&ok);
        if (!ok || v < min)
            return std::nullopt;
        return v;
    };
    const auto tables = number(tablesOption, 1), bigTables = number(bigTablesOption, 0),
               bigRows = number(bigRowsOption, 0), threads = number(threadsOption, 1),
               seconds = number(secondsOption, 1);
    if (!tables || !bigTables || !bigRows || !threads || !seconds)
        return fail(QStringLiteral("--tables, --big-tables, --big-rows, --threads and --seconds "
                                   "expect whole numbers (tables, threads, seconds at least 1)"));

    const QString dir = parser.value(dirOption);
    const ManyTableShape shape{int(*tables), int(*bigTables), 40, *bigRows};
    QElapsedTimer clock;
    clock.start();
    if (const QString error = ensureManyTableSource(dir, shape); !error.isEmpty())
        return fail(error);
    const double sourceSeconds = double(clock.elapsed()) / 1000.0;
    if (const QString error = writeManyTablePlan(dir, int(*threads)); !error.isEmpty())
        return fail(error);
    const auto plan = loadPlan(dir + QStringLiteral("/plan.json"));
    if (!plan)
        return fail(plan.error().message);

    MainWindow window;
    window.resize(1366, 768);
    window.show();
    QLineEdit *filter = taskFilterEdit(window);
    if (!filter)
        return fail(QStringLiteral("the window has no \"Filter tasks\" field"));

    LatencyProbe probe(kProbeIntervalMs);
    UserExerciser user(window.view(), filter);
    LatencyFigures openFigures;
    double planningSeconds = 0;
    bool done = false;
    QStringList openSlow; // the slowest events while the plan opened

    auto finish = [&](const QString &why) {
        if (done)
            return;
        done = true;
        const LatencyFigures runFigures = probe.figures();
        user.stop();
        const RunSummary s = window.model()->summary();
        if (parser.isSet(screenshotOption) && !window.grab().save(parser.value(screenshotOption)))
            std::fprintf(stderr, "cockpit-guilatency: could not write %s\n",
                         qPrintable(parser.value(screenshotOption)));
        const QString line =
            QStringLiteral("guilatency platform=%1 tables=%2 tasks=%3 threads=%4 source_s=%5 "
                           "planning_s=%6 %7 %8 ended=%9 end=%10 user_steps=%11 rows_done=%12 "
                           "gui_cpu_max_ms=%13 load1=%14")
                .arg(QGuiApplication::platformName())
                .arg(*tables)
                .arg(s.taskCount)
                .arg(*threads)
                .arg(sourceSeconds, 0, 'f', 1)
                .arg(planningSeconds, 0, 'f', 2)
                .arg(figuresText("open", openFigures), figuresText("run", runFigures))
                .arg(s.count(TaskState::Ended))
                .arg(why)
                .arg(user.steps())
                .arg(s.rowsDone)
                .arg(app.busiestEvent().cpuMs, 0, 'f', 1)
                .arg(loadAverage());
        std::printf("%s\n", qPrintable(line));
        // What the slowest deliveries of the run were (the probe's gaps, pinned on a cause).
        for (const QString &l : std::as_const(openSlow))
            std::printf("%s\n", qPrintable(l));
        std::printf("busiest: cpu %.1f ms in %.1f ms: %s\n", app.busiestEvent().cpuMs,
                    app.busiestEvent().ms, qPrintable(app.busiestEvent().what));
        for (const SlowEvent &e : app.slowEvents(kSlowEventsShown))
            std::printf("slow %.1f ms (cpu %.1f, waiting for a core %.1f): %s\n", e.ms, e.cpuMs,
                        e.waitMs, qPrintable(e.what));
        std::fflush(stdout);
        QCoreApplication::exit(0); // the window's run stops at its next batch as it is destroyed
    };

    QObject::connect(&window, &MainWindow::runOpened, &app, [&](bool ok, const QString &error) {
        if (!ok) {
            fail(error);
            QCoreApplication::exit(2);
            return;
        }
        planningSeconds = double(clock.elapsed()) / 1000.0;
        openFigures = probe.figures();
        QObject::connect(window.run(), &UpgradeRun::finished, &app,
                         [&] { finish(QStringLiteral("finished")); });
        for (const SlowEvent &e : app.slowEvents(kSlowEventsShown / 2))
            openSlow << QStringLiteral("open-slow %1 ms (cpu %2, waiting for a core %3): %4")
                            .arg(e.ms, 0, 'f', 1)
                            .arg(e.cpuMs, 0, 'f', 1)
                            .arg(e.waitMs, 0, 'f', 1)
                            .arg(e.what);
        probe.start();
        app.clearSlowEvents();
        window.startRun();
        if (!parser.isSet(idleOption))
            user.start(kUserStepMs);
        QTimer::singleShot(int(*seconds) * 1000, &app, [&] { finish(QStringLiteral("time")); });
    });

    // Planning runs on the run's thread; the probe also watches the grid filling.
    clock.restart();
    probe.start();
    window.openPlan(*plan);
    return app.exec();
}
