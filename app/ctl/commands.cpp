#include "commands.h"

#include "demo/demogenerator.h"
#include "log/logging.h"
#include "plan/plan.h"
#include "report/reportwriters.h"
#include "run/preflight.h"
#include "run/scheduler.h"
#include "run/upgraderun.h"
#include "store/controlstore.h"
#include "store/statelocation.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QRegularExpression>
#include <QThread>
#include <QTimer>
#include <atomic>
#include <functional>
#include <optional>
#include <csignal>
#include <cstdio>
#include <unistd.h>

namespace cockpit::ctl {

namespace {

void fail(const QString &message)
{
    std::fprintf(stderr, "upgradectl: %s\n", qPrintable(message));
}

// Parses `args` for a subcommand; on error prints it and returns false.
bool parse(QCommandLineParser &p, const QString &command, const QStringList &args)
{
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addHelpOption();
    if (!p.parse(QStringList{QStringLiteral("upgradectl ") + command} + args)) {
        fail(QStringLiteral("%1: %2 (see upgradectl --help)").arg(command, p.errorText()));
        return false;
    }
    if (p.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(p.helpText()), stdout);
        std::exit(0);
    }
    return true;
}

QString number(qint64 n) { return QLocale::system().toString(n); }

QString fitted(QString s, int width)
{
    s.replace(u'\n', u' ');
    return s.size() > width ? s.left(width - 1) + QChar(0x2026) : s;
}

void printTable(const QVector<TaskView> &tasks)
{
    std::printf("%-42s %-10s %12s %9s %10s  %s\n", "TASK", "STATE", "ROWS", "SECONDS", "ROWS/S", "MESSAGE");
    for (const auto &t : tasks) {
        const qint64 rows = t.status.rowsDone;
        const double secs = t.status.seconds;
        const QString rate = (t.spec.kind == TaskKind::Copy && secs > 0.05 && rows > 0)
                                 ? number(qint64(double(rows) / secs))
                                 : QString();
        QString message = t.status.message;
        if (t.status.state == TaskState::Waiting && !t.waitReason.isEmpty())
            message = t.waitReason;
        const bool script = t.spec.kind == TaskKind::Script; // counts statements, not rows
        if (script && t.status.state == TaskState::Executing && message.isEmpty())
            message = QStringLiteral("statement %1 of %2").arg(std::min(rows + 1, t.status.rowsTotal)).arg(t.status.rowsTotal);
        std::printf("%-42s %-10s %12s %9.1f %10s  %s\n", qPrintable(fitted(t.spec.name, 42)),
                    qPrintable(toString(t.status.state)),
                    qPrintable(!script && (t.spec.kind == TaskKind::Copy || rows > 0) ? number(rows) : QString()), secs,
                    qPrintable(rate), qPrintable(fitted(message, 100)));
    }
}

QJsonObject toJson(const TaskView &t)
{
    return QJsonObject{{QStringLiteral("task"), t.spec.name},
                       {QStringLiteral("phase"), phaseName(t.spec.kind)},
                       {QStringLiteral("group"), t.spec.group},
                       {QStringLiteral("table"), t.spec.table},
                       {QStringLiteral("state"), toString(t.status.state)},
                       {QStringLiteral("rows"), t.status.rowsDone},
                       {QStringLiteral("rowsTotal"), t.status.rowsTotal},
                       {QStringLiteral("seconds"), t.status.seconds},
                       {QStringLiteral("attempts"), t.status.attempts},
                       {QStringLiteral("priority"), t.spec.priority},
                       {QStringLiteral("skipped"), t.status.skipped},
                       {QStringLiteral("checkpoint"), t.status.hasCheckpoint ? QJsonValue(t.status.checkpoint) : QJsonValue()},
                       // A sampled-key chunk's checkpoint is a row position in key order, not a key.
                       {QStringLiteral("checkpointIs"), t.spec.sampledRange ? QStringLiteral("row") : QStringLiteral("key")},
                       {QStringLiteral("message"), t.status.message},
                       {QStringLiteral("waitReason"), t.waitReason}};
}

// "" unless the run can go on only once an administrator resumes something: nothing Ready or
// Executing, and some task Paused (the tasks behind it wait for it).
QString heldNotice(const QVector<TaskView> &tasks)
{
    QStringList paused;
    int waiting = 0;
    for (const auto &t : tasks) {
        if (t.status.state == TaskState::Ready || t.status.state == TaskState::Executing)
            return {};
        if (t.status.state == TaskState::Paused)
            paused << t.spec.name;
        waiting += t.status.state == TaskState::Waiting;
    }
    if (paused.isEmpty())
        return {};
    const QString names = paused.size() <= 3 ? paused.join(QStringLiteral(", "))
                                             : paused.mid(0, 3).join(QStringLiteral(", ")) + QStringLiteral(", ...");
    return QStringLiteral("held: %1 task(s) paused (%2), %3 waiting; the run waits for `upgradectl resume`")
        .arg(paused.size())
        .arg(names)
        .arg(waiting);
}

int exitCodeFor(const QVector<TaskView> &tasks)
{
    bool allEnded = true, anyError = false;
    for (const auto &t : tasks) {
        allEnded &= t.status.state == TaskState::Ended;
        anyError |= t.status.state == TaskState::Error;
    }
    return allEnded ? Ok : anyError ? TaskFailed : Incomplete;
}

void printReport(const QVector<TaskView> &tasks, bool json, const QString &title, double elapsed)
{
    if (json) {
        QJsonArray a;
        for (const auto &t : tasks)
            a.append(toJson(t));
        QJsonObject counts;
        for (int s = 0; s < TaskStateCount; ++s) {
            int n = 0;
            for (const auto &t : tasks)
                n += int(t.status.state) == s;
            counts[toString(TaskState(s))] = n;
        }
        const QJsonObject root{{QStringLiteral("run"), title},
                               {QStringLiteral("elapsedSeconds"), elapsed},
                               {QStringLiteral("counts"), counts},
                               {QStringLiteral("tasks"), a}};
        std::fputs(QJsonDocument(root).toJson(QJsonDocument::Indented).constData(), stdout);
        return;
    }
    printTable(tasks);
    QStringList counts;
    for (int s = 0; s < TaskStateCount; ++s) {
        int n = 0;
        for (const auto &t : tasks)
            n += int(t.status.state) == s;
        if (n > 0)
            counts << QStringLiteral("%1 %2").arg(n).arg(toString(TaskState(s)));
    }
    qint64 rows = 0;
    for (const auto &t : tasks)
        if (t.spec.kind == TaskKind::Copy)
            rows += t.status.rowsDone;
    std::printf("\n%s: %d tasks (%s); %s rows copied", qPrintable(title), int(tasks.size()),
                qPrintable(counts.join(QStringLiteral(", "))), qPrintable(number(rows)));
    if (elapsed > 0)
        std::printf(" in %.1f s (%s rows/s)", elapsed, qPrintable(number(qint64(double(rows) / elapsed))));
    std::printf("\n");
}

QVector<TaskView> sortedTasks(QVector<TaskView> tasks)
{
    std::sort(tasks.begin(), tasks.end(), [](const TaskView &a, const TaskView &b) {
        return a.spec.ordinal < b.spec.ordinal;
    });
    return tasks;
}

// The --state option in canonical form (statelocation.h): an absolute path or a postgresql://
// URL; nullopt after printing why it is unusable.
std::optional<QString> stateOption(const QCommandLineParser &p)
{
    auto location = statelocation::normalized(p.value(QStringLiteral("state")), QDir::currentPath());
    if (!location) {
        fail(location.error().message);
        return std::nullopt;
    }
    return *location;
}

std::atomic<int> g_signal{0};
extern "C" void onSignal(int sig) { g_signal = sig; }

// Opens a run (by plan or by state), waits for opened(); returns false after printing why.
bool openRun(UpgradeRun &run, const Plan *plan, const QString &statePath)
{
    bool ok = false;
    QString error;
    QEventLoop loop;
    QObject::connect(&run, &UpgradeRun::opened, &loop, [&](bool o, const QString &e) {
        ok = o;
        error = e;
        loop.quit();
    });
    if (plan)
        run.open(*plan);
    else
        run.openState(statePath);
    loop.exec();
    if (!ok)
        fail(error);
    return ok;
}

// Runs the preflight of `plan` and prints it to `out` (`onlyBlockers`: only when it found
// some); nullopt (after printing why) when the plan itself is unusable.
std::optional<PreflightReport> printedPreflight(const Plan &plan, FILE *out, bool onlyBlockers = false)
{
    auto report = runPreflight(plan);
    if (!report) {
        fail(report.error().message);
        return std::nullopt;
    }
    if (!onlyBlockers || report->hasBlockers())
        std::fprintf(out, "preflight of %s\n%s", qPrintable(plan.title()), qPrintable(report->toText()));
    return *report;
}

} // namespace

int demo(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Write the demo upgrade: an AX-like source database and a plan."));
    p.addOption({QStringLiteral("dir"), QStringLiteral("Folder to write into."), QStringLiteral("D")});
    p.addOption({QStringLiteral("rows"), QStringLiteral("INVENTTRANS rows (default 1000000)."), QStringLiteral("N")});
    p.addOption({QStringLiteral("scale"), QStringLiteral("Size of the other tables, 0 to 1 (default 1)."), QStringLiteral("F")});
    p.addOption({QStringLiteral("target"), QStringLiteral("Target URL of the plan (default sqlite:target.db)."), QStringLiteral("URL")});
    if (!parse(p, QStringLiteral("demo"), args))
        return BadInput;
    if (!p.isSet(QStringLiteral("dir"))) {
        fail(QStringLiteral("demo: --dir D is required"));
        return BadInput;
    }
    DemoOptions o;
    o.dir = QFileInfo(p.value(QStringLiteral("dir"))).absoluteFilePath();
    if (p.isSet(QStringLiteral("rows"))) {
        bool ok = false;
        o.inventTransRows = p.value(QStringLiteral("rows")).toLongLong(&ok);
        if (!ok || o.inventTransRows < 0) {
            fail(QStringLiteral("demo: --rows expects a whole number, got \"%1\"").arg(p.value(QStringLiteral("rows"))));
            return BadInput;
        }
    }
    if (p.isSet(QStringLiteral("scale"))) {
        bool ok = false;
        o.otherTablesScale = p.value(QStringLiteral("scale")).toDouble(&ok);
        if (!ok) {
            fail(QStringLiteral("demo: --scale expects a number in (0, 1], got \"%1\"").arg(p.value(QStringLiteral("scale"))));
            return BadInput;
        }
    }
    o.target = p.value(QStringLiteral("target"));
    QElapsedTimer t;
    t.start();
    auto plan = writeDemo(o);
    if (!plan) {
        fail(plan.error().message);
        return BadInput;
    }
    std::printf("demo written to %s in %.1f s: source.db, scripts/, plan.json\nnext: upgradectl run --plan %s/plan.json\n",
                qPrintable(o.dir), t.elapsed() / 1000.0, qPrintable(o.dir));
    return Ok;
}

int plan(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Write a plan file from two connection URLs."));
    p.addOption({QStringLiteral("source"), QStringLiteral("Source URL."), QStringLiteral("URL")});
    p.addOption({QStringLiteral("target"), QStringLiteral("Target URL."), QStringLiteral("URL")});
    p.addOption({QStringLiteral("out"), QStringLiteral("Plan file to write."), QStringLiteral("F")});
    if (!parse(p, QStringLiteral("plan"), args))
        return BadInput;
    for (const char *required : {"source", "target", "out"})
        if (!p.isSet(QString::fromLatin1(required))) {
            fail(QStringLiteral("plan: --%1 is required").arg(QString::fromLatin1(required)));
            return BadInput;
        }
    const QString out = QFileInfo(p.value(QStringLiteral("out"))).absoluteFilePath();
    auto source = ConnectionUrl::parse(p.value(QStringLiteral("source")), QDir::currentPath());
    auto target = ConnectionUrl::parse(p.value(QStringLiteral("target")), QDir::currentPath());
    if (!source || !target) {
        fail(!source ? source.error().message : target.error().message);
        return BadInput;
    }
    Plan plan = Plan::fromUrls(*source, *target,
                               QFileInfo(out).absolutePath() + u'/' + QFileInfo(out).completeBaseName()
                                   + QStringLiteral(".state.db"));
    plan.filePath = out;
    QFile f(out);
    if (QFileInfo::exists(out)) {
        fail(QStringLiteral("plan: %1 already exists; not overwriting it").arg(out));
        return BadInput;
    }
    if (!f.open(QIODevice::WriteOnly) || f.write(plan.toJson()) < 0) {
        fail(QStringLiteral("plan: cannot write %1: %2").arg(out, f.errorString()));
        return BadInput;
    }
    std::printf("plan written to %s\n", qPrintable(out));
    return Ok;
}

struct DriveOptions {
    bool json = false;
    bool quiet = false;
    bool exitWhenHeld = false;
};

// Presses Run on an opened run and follows it to its end (or Ctrl+C): the progress line, the
// summary, the exit code. The same for `run` and for a shared run's `worker`.
static int driveToTheEnd(UpgradeRun &run, const DriveOptions &options)
{
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    const bool json = options.json;
    const bool progress = !json && !options.quiet && ::isatty(STDERR_FILENO);
    QEventLoop loop;
    bool stopping = false;
    // Nothing left to run: the end, unless a paused task holds the rest. A task paused from
    // the CLI or the window must not end a headless run; it waits for Resume, like a group
    // whose worker was removed.
    const bool exitWhenHeld = options.exitWhenHeld;
    QString lastHeld;
    QObject::connect(&run, &UpgradeRun::finished, &loop, [&] {
        const QString held = heldNotice(run.snapshot(0).tasks);
        if (held.isEmpty() || exitWhenHeld || stopping) {
            loop.quit();
            return;
        }
        if (held != lastHeld)
            std::fprintf(stderr, "upgradectl: %s --state %s TASK (Ctrl+C stops)\n", qPrintable(held),
                         qPrintable(statelocation::display(run.plan().statePath)));
        lastHeld = held;
    });
    QObject::connect(&run, &UpgradeRun::stopped, &loop, &QEventLoop::quit);
    QTimer poll;
    QElapsedTimer clock;
    clock.start();
    int ticks = 0;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (g_signal && !stopping) {
            stopping = true;
            std::fprintf(stderr, "\nstopping at the next committed batch (the run continues with `upgradectl run --state %s`)\n",
                         qPrintable(statelocation::display(run.plan().statePath)));
            run.stop();
        }
        if (progress && ++ticks % 5 == 0) {
            const RunSummary s = run.snapshot(~quint64(0)).summary;
            std::fprintf(stderr, "\r[%6.1fs] %s / %s rows, %s rows/s, ETA %s | %d executing, %d waiting, %d ended, %d error   ",
                         clock.elapsed() / 1000.0, qPrintable(number(s.rowsDone)), qPrintable(number(s.rowsTotal)),
                         qPrintable(number(qint64(s.rowsPerSecond))),
                         s.etaSeconds < 0 ? "?" : qPrintable(QStringLiteral("%1s").arg(s.etaSeconds, 0, 'f', 0)),
                         s.count(TaskState::Executing), s.count(TaskState::Waiting), s.count(TaskState::Ended),
                         s.count(TaskState::Error));
        }
    });
    poll.start(100);
    run.start();
    loop.exec();
    if (progress)
        std::fputs("\n", stderr);
    const QVector<TaskView> tasks = sortedTasks(run.snapshot(0).tasks);
    printReport(tasks, json, run.plan().name, clock.elapsed() / 1000.0);
    return stopping ? Incomplete : exitCodeFor(tasks);
}

int run(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Run (or resume) an upgrade to its end."));
    p.addOption({QStringLiteral("plan"), QStringLiteral("Plan file."), QStringLiteral("F")});
    p.addOption({QStringLiteral("source"), QStringLiteral("Source URL (instead of a plan)."), QStringLiteral("URL")});
    p.addOption({QStringLiteral("target"), QStringLiteral("Target URL (instead of a plan)."), QStringLiteral("URL")});
    p.addOption({QStringLiteral("state"), QStringLiteral("Control store: a file path or a postgresql:// URL (resumes its run if it exists)."), QStringLiteral("S")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Threads for every batch group. With a postgresql:// state, 0: "
                                                           "only coordinate, the workers (upgradectl worker) do the work."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("json"), QStringLiteral("Print the summary as JSON.")});
    p.addOption({QStringLiteral("quiet"), QStringLiteral("No progress line; the preflight only when it finds blockers.")});
    p.addOption({QStringLiteral("override"), QStringLiteral("Start despite the preflight's blockers, for this reason (logged)."),
                 QStringLiteral("REASON")});
    p.addOption({QStringLiteral("exit-when-held"),
                 QStringLiteral("Exit (code 3) when only paused tasks, or tasks behind them, are left, instead of waiting for "
                                "them to be resumed.")});
    if (!parse(p, QStringLiteral("run"), args))
        return BadInput;

    std::optional<Plan> plan;
    QString state;
    if (p.isSet(QStringLiteral("state"))) {
        const auto given = stateOption(p);
        if (!given)
            return BadInput;
        state = *given;
    }
    if (p.isSet(QStringLiteral("plan"))) {
        auto loaded = loadPlan(p.value(QStringLiteral("plan")));
        if (!loaded) {
            fail(loaded.error().message);
            return BadInput;
        }
        plan = *loaded;
    } else if (p.isSet(QStringLiteral("source")) || p.isSet(QStringLiteral("target"))) {
        if (!p.isSet(QStringLiteral("source")) || !p.isSet(QStringLiteral("target"))) {
            fail(QStringLiteral("run: --source and --target go together"));
            return BadInput;
        }
        auto source = ConnectionUrl::parse(p.value(QStringLiteral("source")), QDir::currentPath());
        auto target = ConnectionUrl::parse(p.value(QStringLiteral("target")), QDir::currentPath());
        if (!source || !target) {
            fail(!source ? source.error().message : target.error().message);
            return BadInput;
        }
        plan = Plan::fromUrls(*source, *target,
                              state.isEmpty() ? QDir::current().absoluteFilePath(QStringLiteral("upgrade.state.db")) : state);
    } else if (state.isEmpty()) {
        fail(QStringLiteral("run: give --plan F, --source URL --target URL, or --state S of an earlier run"));
        return BadInput;
    }
    if (plan && !state.isEmpty())
        plan->statePath = state;
    // A postgresql:// state is a shared run: this process coordinates it and, unless
    // --threads 0, works in it beside the workers.
    const bool sharedRun = statelocation::isUrl(state.isEmpty() && plan ? plan->statePath : state);
    RunSharing sharing;
    if (p.isSet(QStringLiteral("threads"))) {
        bool ok = false;
        const int threads = p.value(QStringLiteral("threads")).toInt(&ok);
        if (!ok || threads < (sharedRun ? 0 : 1) || threads > 256) {
            fail(QStringLiteral("run: --threads expects %1 to 256, got \"%2\"%3")
                     .arg(sharedRun ? 0 : 1)
                     .arg(p.value(QStringLiteral("threads")),
                          !sharedRun && ok && threads == 0
                              ? QStringLiteral(" (0, only coordinating, is for a run shared through a postgresql:// state)")
                              : QString()));
            return BadInput;
        }
        sharing.threads = threads;
        if (plan && threads > 0)
            for (auto &g : plan->groups)
                g.threads = threads;
    }

    const bool overriding = p.isSet(QStringLiteral("override"));
    const QString overrideReason = p.value(QStringLiteral("override")).simplified();
    if (overriding && overrideReason.isEmpty()) {
        fail(QStringLiteral("run: --override needs a reason"));
        return BadInput;
    }
    // The preflight before the run is opened (opening plans the tasks on the target's behalf);
    // a run resumed from its state alone is checked once its stored plan is read.
    const bool quiet = p.isSet(QStringLiteral("quiet"));
    std::optional<PreflightReport> checks;
    if (plan && !(checks = printedPreflight(*plan, stderr, quiet)))
        return BadInput;

    setLogToStderr(true);
    UpgradeRun run;
    if (sharedRun)
        run.share(sharing);
    if (!openRun(run, plan ? &*plan : nullptr, state))
        return BadInput;
    if (!checks && !(checks = printedPreflight(run.plan(), stderr, quiet)))
        return BadInput;
    if (checks->hasBlockers()) {
        const QStringList blockers = checks->idsWith(CheckStatus::Blocker);
        if (!overriding) {
            fail(QStringLiteral("run: not started: the preflight found blockers (%1); fix them, or start anyway with "
                                "--override \"reason\" (logged)")
                     .arg(blockers.join(QStringLiteral(", "))));
            return TaskFailed;
        }
        if (auto st = recordOverride(run.plan(), blockers, {currentLogin(), overrideReason}); !st) {
            fail(st.error().message);
            return BadInput;
        }
        std::fprintf(stderr, "upgradectl: starting despite %s (override by %s logged)\n",
                     qPrintable(blockers.join(QStringLiteral(", "))), qPrintable(currentLogin()));
    }

    return driveToTheEnd(run, {p.isSet(QStringLiteral("json")), p.isSet(QStringLiteral("quiet")),
                               p.isSet(QStringLiteral("exit-when-held"))});
}

int preflight(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Check a plan before running it: both databases reachable, privileges, "
                                               "other sessions, free space, tables already on the target."));
    p.addOption({QStringLiteral("plan"), QStringLiteral("Plan file."), QStringLiteral("F")});
    if (!parse(p, QStringLiteral("preflight"), args))
        return BadInput;
    if (!p.isSet(QStringLiteral("plan"))) {
        fail(QStringLiteral("preflight: --plan F is required"));
        return BadInput;
    }
    auto plan = loadPlan(p.value(QStringLiteral("plan")));
    if (!plan) {
        fail(plan.error().message);
        return BadInput;
    }
    const auto report = printedPreflight(*plan, stdout);
    if (!report)
        return BadInput;
    const QStringList blockers = report->idsWith(CheckStatus::Blocker);
    if (!blockers.isEmpty()) {
        std::printf("\n%s: %d blocker(s): %s; `upgradectl run` refuses to start without --override \"reason\"\n",
                    qPrintable(plan->title()), int(blockers.size()), qPrintable(blockers.join(QStringLiteral(", "))));
        return TaskFailed;
    }
    std::printf("\n%s: ready to run (%d warning(s))\n", qPrintable(plan->title()),
                int(report->idsWith(CheckStatus::Warning).size()));
    return Ok;
}

static Result<std::unique_ptr<ControlStore>> openExistingStore(const QString &state)
{
    return ControlStore::open(state, ControlStore::IfMissing::Fail);
}

// A run's store and who owns it, for the commands that steer a run; errors are printed.
struct RunStore {
    std::unique_ptr<ControlStore> store;
    RunOwner owner;
    bool ownedElsewhere() const { return ControlStore::ownerAlive(owner, 5.0); }
};

static std::optional<RunStore> openRunStore(const QString &state)
{
    auto store = openExistingStore(state);
    if (!store) {
        fail(store.error().message);
        return std::nullopt;
    }
    auto owner = (*store)->owner();
    if (!owner) {
        fail(owner.error().message);
        return std::nullopt;
    }
    return RunStore{std::move(*store), *owner};
}

// Waits for the process that runs the upgrade to apply command `id` (it reads the store's
// commands every second) and prints its answer; nullopt when it did not answer in 10 s.
static std::optional<bool> awaitCommand(ControlStore &store, qint64 id, const QString &what, qint64 pid)
{
    QElapsedTimer waited;
    waited.start();
    while (true) {
        auto outcome = store.commandOutcome(id);
        if (outcome && outcome->done) {
            std::printf("%s\n", qPrintable(outcome->result));
            return outcome->ok;
        }
        if (waited.elapsed() > 10000) {
            fail(QStringLiteral("%1: the running process (pid %2) did not answer within 10 s").arg(what).arg(pid));
            return std::nullopt;
        }
        QThread::msleep(50);
    }
}

int status(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Show the tasks of a run."));
    p.addOption({QStringLiteral("state"), QStringLiteral("Control store: a file path or a postgresql:// URL."), QStringLiteral("S")});
    p.addOption({QStringLiteral("json"), QStringLiteral("Print JSON.")});
    if (!parse(p, QStringLiteral("status"), args))
        return BadInput;
    if (!p.isSet(QStringLiteral("state"))) {
        fail(QStringLiteral("status: --state S is required"));
        return BadInput;
    }
    const auto state = stateOption(p);
    if (!state)
        return BadInput;
    auto store = openExistingStore(*state);
    if (!store) {
        fail(store.error().message);
        return BadInput;
    }
    auto rows = (*store)->loadTasks();
    auto owner = (*store)->owner();
    if (!rows || !owner) {
        fail(!rows ? rows.error().message : owner.error().message);
        return BadInput;
    }
    QVector<TaskView> tasks;
    for (const auto &[spec, st] : *rows) {
        TaskView v;
        v.spec = spec;
        v.status = st;
        tasks << v;
    }
    const bool live = ControlStore::ownerAlive(*owner, 5.0);
    QString title = live ? QStringLiteral("running in %1 (pid %2 on %3)").arg(owner->app).arg(owner->pid).arg(owner->host)
                         : QStringLiteral("not running");
    if (const QString held = heldNotice(tasks); live && !held.isEmpty())
        title += QStringLiteral("; ") + held;
    printReport(tasks, p.isSet(QStringLiteral("json")), title, 0);
    return exitCodeFor(tasks);
}

// "TASK: ok" or "TASK: refused (why)", as the scheduler answers a command posted to it.
static void printOutcome(const QString &task, bool ok, const QString &reason)
{
    std::printf("%s: %s%s\n", qPrintable(task), ok ? "ok" : "refused",
                reason.isEmpty() ? "" : qPrintable(QStringLiteral(" (") + reason + u')'));
}

// What a task's command came to: "TASK: ok" or refused, as printOutcome prints it.
using OutcomePrinter = std::function<void(const QString &task, bool ok, const QString &reason)>;

// Steers tasks of the run in `state`. When another process runs the upgrade, each task's command
// is posted to it (`post`) and awaited: it applies them within a second. When nobody runs it, the
// run is taken here, `applyHere` connects its outcome signal to the printer and issues the command
// with the scheduler's own rules, and the run is released.
static int steer(const QString &state, const QStringList &names, const QString &verb,
                 const std::function<Result<qint64>(ControlStore &, const QString &task)> &post,
                 const std::function<void(UpgradeRun &, const OutcomePrinter &)> &applyHere)
{
    auto steered = openRunStore(state);
    if (!steered)
        return BadInput;
    bool allOk = true;
    if (steered->ownedElsewhere()) {
        for (const auto &name : names) {
            auto id = post(*steered->store, name);
            if (!id) {
                fail(id.error().message);
                return BadInput;
            }
            const auto ok = awaitCommand(*steered->store, *id, verb + u' ' + name, steered->owner.pid);
            if (!ok)
                return TaskFailed;
            allOk &= *ok;
        }
        return allOk ? Ok : TaskFailed;
    }
    steered->store.reset();
    UpgradeRun run;
    if (!openRun(run, nullptr, state))
        return BadInput;
    QEventLoop loop;
    applyHere(run, [&allOk](const QString &task, bool ok, const QString &reason) {
        allOk &= ok;
        printOutcome(task, ok, reason);
    });
    // stop() is handled after the command in the scheduler's queue, so `stopped` ends the wait.
    QObject::connect(&run, &UpgradeRun::stopped, &loop, &QEventLoop::quit);
    run.stop();
    loop.exec();
    return allOk ? Ok : TaskFailed;
}

int act(const QString &verb, const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("%1 tasks of a run.").arg(verb));
    p.addOption({QStringLiteral("state"), QStringLiteral("Control store: a file path or a postgresql:// URL."), QStringLiteral("S")});
    p.addOption({QStringLiteral("with-dependents"), QStringLiteral("rerun: also the tasks that depend on these.")});
    p.addPositionalArgument(QStringLiteral("TASK"), QStringLiteral("Task names or globs, e.g. 'copy:INVENTTRANS#*'."));
    if (!parse(p, verb, args))
        return BadInput;
    const QStringList names = p.positionalArguments();
    if (!p.isSet(QStringLiteral("state")) || names.isEmpty()) {
        fail(QStringLiteral("%1: --state S and at least one TASK are required").arg(verb));
        return BadInput;
    }
    TaskAction action = TaskAction::Pause;
    for (auto a : {TaskAction::Pause, TaskAction::Resume, TaskAction::Rerun, TaskAction::Skip, TaskAction::Cancel})
        if (toString(a) == verb)
            action = a;
    const bool withDependents = p.isSet(QStringLiteral("with-dependents"));
    const auto given = stateOption(p);
    if (!given)
        return BadInput;
    const QString state = *given;

    return steer(
        state, names, verb, [&](ControlStore &store, const QString &name) { return store.postCommand(action, name, withDependents); },
        [&](UpgradeRun &run, const OutcomePrinter &outcome) {
            QObject::connect(&run, &UpgradeRun::actionDone, &run,
                             [outcome](const QString &task, TaskAction, bool ok, const QString &reason) { outcome(task, ok, reason); });
            run.request(action, names, withDependents);
        });
}

int priority(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Set the administrator's priority of tasks: among the tasks whose "
                                               "dependencies are met, a higher priority is dispatched first (before "
                                               "the size order). Waiting, Paused, Error and Canceled tasks take it."));
    p.addOption({QStringLiteral("state"), QStringLiteral("Control store: a file path or a postgresql:// URL."), QStringLiteral("S")});
    p.addPositionalArgument(QStringLiteral("TASK"), QStringLiteral("Task names or globs, e.g. 'copy:INVENTTRANS#*'."),
                            QStringLiteral("TASK..."));
    p.addPositionalArgument(QStringLiteral("N"), QStringLiteral("The priority, a whole number (default 0; higher first)."));
    // A negative N ("-1") would parse as an option: it is taken off first.
    QStringList rest = args;
    QString n;
    if (!rest.isEmpty() && QRegularExpression(QStringLiteral("^-\\d+$")).match(rest.last()).hasMatch())
        n = rest.takeLast();
    if (!parse(p, QStringLiteral("priority"), rest))
        return BadInput;
    QStringList names = p.positionalArguments();
    if (n.isEmpty() && !names.isEmpty())
        n = names.takeLast();
    if (!p.isSet(QStringLiteral("state")) || names.isEmpty()) {
        fail(QStringLiteral("priority: --state S, at least one TASK and the priority N are required"));
        return BadInput;
    }
    bool isNumber = false;
    const int value = n.toInt(&isNumber);
    if (!isNumber) {
        fail(QStringLiteral("priority: N must be a whole number, not \"%1\"").arg(n));
        return BadInput;
    }
    const auto given = stateOption(p);
    if (!given)
        return BadInput;
    const QString state = *given;
    return steer(
        state, names, QStringLiteral("priority"), [&](ControlStore &store, const QString &name) { return store.postPriorityCommand(name, value); },
        [&](UpgradeRun &run, const OutcomePrinter &outcome) {
            QObject::connect(&run, &UpgradeRun::priorityDone, &run, outcome);
            run.setPriority(names, value);
        });
}

// Waits until the shared run at `location` is planned and its coordinator pressed Run once: a
// fleet of workers may start before the coordinator (or while it plans). Returns Ok, or
// the exit code after printing why (an unreachable store, a wrong password: at once).
static int awaitPlannedRun(const QString &location)
{
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    bool told = false;
    while (!g_signal) {
        auto store = ControlStore::open(location, ControlStore::IfMissing::Fail);
        if (!store && !isMissingRun(store.error())) {
            fail(store.error().message);
            return BadInput;
        }
        if (store) {
            auto started = (*store)->meta(QString::fromLatin1(kSharedRunStarted));
            if (!started) {
                fail(started.error().message);
                return BadInput;
            }
            if (!started->isEmpty())
                return Ok;
        }
        if (!told)
            std::fprintf(stderr, "upgradectl: waiting for the run at %s: its coordinator has not planned and started it "
                                 "yet (upgradectl run --plan F --state %s); Ctrl+C stops\n",
                         qPrintable(statelocation::display(location)), qPrintable(statelocation::display(location)));
        told = true;
        QThread::msleep(500);
    }
    std::fprintf(stderr, "upgradectl: stopped before the run started\n");
    return Incomplete;
}

// `upgradectl worker --state postgresql://...`: one of a shared run's workers, until the run ends.
static int work(const QCommandLineParser &p)
{
    const auto given = stateOption(p);
    if (!given)
        return BadInput;
    if (!statelocation::isUrl(*given)) {
        fail(QStringLiteral("worker: a run is shared through a PostgreSQL control store: give --state postgresql://..."
                            " (a state file is one machine's: upgradectl run --state %1)")
                 .arg(*given));
        return BadInput;
    }
    RunSharing sharing;
    sharing.coordinates = false;
    sharing.groups = p.values(QStringLiteral("group"));
    sharing.worker = p.value(QStringLiteral("name")).trimmed();
    if (p.isSet(QStringLiteral("name")) && sharing.worker.isEmpty()) {
        fail(QStringLiteral("worker: --name needs a name"));
        return BadInput;
    }
    if (p.isSet(QStringLiteral("threads"))) {
        bool ok = false;
        sharing.threads = p.value(QStringLiteral("threads")).toInt(&ok);
        if (!ok || sharing.threads < 1 || sharing.threads > Scheduler::kMaxGroupThreads) {
            fail(QStringLiteral("worker: --threads expects 1 to %1, got \"%2\"")
                     .arg(Scheduler::kMaxGroupThreads)
                     .arg(p.value(QStringLiteral("threads"))));
            return BadInput;
        }
    }
    if (p.isSet(QStringLiteral("lease"))) {
        bool ok = false;
        sharing.leaseSeconds = p.value(QStringLiteral("lease")).toDouble(&ok);
        if (!ok || sharing.leaseSeconds < 3 || sharing.leaseSeconds > 3600) {
            fail(QStringLiteral("worker: --lease expects 3 to 3600 seconds, got \"%1\"").arg(p.value(QStringLiteral("lease"))));
            return BadInput;
        }
    }
    if (!p.isSet(QStringLiteral("no-wait")))
        if (const int waited = awaitPlannedRun(*given); waited != Ok)
            return waited;
    setLogToStderr(true);
    UpgradeRun run;
    run.share(sharing);
    if (!openRun(run, nullptr, *given))
        return BadInput;
    QStringList known;
    for (const GroupView &g : run.snapshot(0).groups)
        known << g.name;
    for (const QString &g : sharing.groups)
        if (!known.contains(g)) {
            fail(QStringLiteral("worker: the run has no batch group \"%1\" (it has %2)").arg(g, known.join(QStringLiteral(", "))));
            return BadInput;
        }
    return driveToTheEnd(run, {p.isSet(QStringLiteral("json")), p.isSet(QStringLiteral("quiet")), false});
}

int worker(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "Without ACTION: work as one of the workers of a run shared through a PostgreSQL control store, until the run "
        "ends (Ctrl+C: stop at the next committed batch; another worker takes over what this one held). A worker "
        "started before its coordinator waits until the run is planned and started.\n"
        "With ACTION: steer a batch group's worker: remove it (nothing of the group is dispatched any more; executing "
        "tasks finish), add it back, or set its thread limit. In a shared run, remove/add --worker W acts on that "
        "worker alone: it claims no more of the group's tasks, the others go on."));
    p.addOption({QStringLiteral("state"), QStringLiteral("Control store: a file path or a postgresql:// URL."), QStringLiteral("S")});
    p.addOption({QStringLiteral("group"), QStringLiteral("Batch group name. Working: a group it claims tasks of (repeat "
                                                         "for several; default: every group)."),
                 QStringLiteral("G")});
    p.addOption({QStringLiteral("count"), QStringLiteral("threads: the group's thread limit (1..256)."), QStringLiteral("N")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Working: threads per batch group (default: the plan's)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("name"), QStringLiteral("Working: this worker's name in the run (default: host-pid)."),
                 QStringLiteral("W")});
    p.addOption({QStringLiteral("lease"), QStringLiteral("Working: seconds a task stays this worker's without a heartbeat "
                                                         "(default 15; renewed every second)."),
                 QStringLiteral("S")});
    p.addOption({QStringLiteral("worker"), QStringLiteral("remove/add: only this worker of a shared run (its --name; "
                                                          "upgradectl status lists them)."),
                 QStringLiteral("W")});
    p.addOption({QStringLiteral("no-wait"), QStringLiteral("Working: exit (2) when the run is not planned and started "
                                                           "yet, instead of waiting for its coordinator.")});
    p.addOption({QStringLiteral("json"), QStringLiteral("Working: print the summary as JSON.")});
    p.addOption({QStringLiteral("quiet"), QStringLiteral("Working: no progress line.")});
    p.addPositionalArgument(QStringLiteral("ACTION"), QStringLiteral("remove, add or threads; none: work."), QStringLiteral("[ACTION]"));
    if (!parse(p, QStringLiteral("worker"), args))
        return BadInput;
    const QStringList positional = p.positionalArguments();
    if (positional.isEmpty()) {
        if (!p.isSet(QStringLiteral("state"))) {
            fail(QStringLiteral("worker: --state postgresql://... is required (see upgradectl worker --help)"));
            return BadInput;
        }
        return work(p);
    }
    const QString verb = positional.value(0);
    if (positional.size() != 1 || !QStringList{QStringLiteral("remove"), QStringLiteral("add"), QStringLiteral("threads")}.contains(verb)) {
        fail(QStringLiteral("worker: say remove, add or threads (see upgradectl worker --help)"));
        return BadInput;
    }
    if (!p.isSet(QStringLiteral("state")) || !p.isSet(QStringLiteral("group"))) {
        fail(QStringLiteral("worker %1: --state S and --group G are required").arg(verb));
        return BadInput;
    }
    const GroupAction action = verb == QLatin1String("remove") ? GroupAction::RemoveWorker
                               : verb == QLatin1String("add") ? GroupAction::AddWorker
                                                                : GroupAction::SetThreads;
    int threads = 0;
    if (action == GroupAction::SetThreads) {
        bool isNumber = false;
        threads = p.value(QStringLiteral("count")).toInt(&isNumber);
        if (!isNumber || threads < 1 || threads > Scheduler::kMaxGroupThreads) {
            fail(QStringLiteral("worker threads: --count N must be a number from 1 to %1").arg(Scheduler::kMaxGroupThreads));
            return BadInput;
        }
    }
    const QString group = p.value(QStringLiteral("group"));
    const QString named = p.value(QStringLiteral("worker"));
    if (!named.isEmpty() && action == GroupAction::SetThreads) {
        fail(QStringLiteral("worker threads: --worker does not apply (each worker's threads are its own --threads)"));
        return BadInput;
    }
    const auto given = stateOption(p);
    if (!given)
        return BadInput;
    const QString state = *given;
    auto steered = openRunStore(state);
    if (!steered)
        return BadInput;
    if (steered->ownedElsewhere()) {
        // Another process runs the upgrade: it applies the command within a second.
        auto id = steered->store->postGroupCommand(action, group, threads, named);
        if (!id) {
            fail(id.error().message);
            return BadInput;
        }
        const auto ok = awaitCommand(*steered->store, *id, QStringLiteral("worker ") + verb, steered->owner.pid);
        return ok && *ok ? Ok : TaskFailed;
    }
    steered->store.reset();
    // Nobody runs it: take the run, apply the change (it is stored for the next Run), release.
    UpgradeRun run;
    if (!openRun(run, nullptr, state))
        return BadInput;
    bool ok = false;
    QEventLoop loop;
    QObject::connect(&run, &UpgradeRun::groupActionDone, &loop, [&](const QString &, bool done, const QString &message) {
        ok = done;
        std::printf("%s\n", qPrintable(message));
    });
    QObject::connect(&run, &UpgradeRun::stopped, &loop, &QEventLoop::quit);
    if (action == GroupAction::SetThreads)
        run.setGroupThreads(group, threads);
    else
        run.setGroupWorkerRemoved(group, action == GroupAction::RemoveWorker, named);
    run.stop();
    loop.exec();
    return ok ? Ok : TaskFailed;
}

int report(const QStringList &args)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral("Write the report of a run: every task's state, rows, times, "
                                               "checksums, errors and the administrators' actions."));
    p.addOption({QStringLiteral("state"), QStringLiteral("Control store: a file path or a postgresql:// URL."), QStringLiteral("S")});
    p.addOption({QStringLiteral("format"), QStringLiteral("html, csv or json (default: by --out's extension, else html)."),
                 QStringLiteral("FORMAT")});
    p.addOption({QStringLiteral("out"), QStringLiteral("Output file (default: stdout)."), QStringLiteral("F")});
    if (!parse(p, QStringLiteral("report"), args))
        return BadInput;
    if (!p.isSet(QStringLiteral("state"))) {
        fail(QStringLiteral("report: --state S is required"));
        return BadInput;
    }
    const QString out = p.value(QStringLiteral("out"));
    std::optional<ReportFormat> format = ReportFormat::Html;
    if (p.isSet(QStringLiteral("format"))) {
        format = reportFormatFromName(p.value(QStringLiteral("format")));
        if (!format) {
            fail(QStringLiteral("report: unknown format \"%1\"; use html, csv or json").arg(p.value(QStringLiteral("format"))));
            return BadInput;
        }
    } else if (!out.isEmpty()) {
        format = reportFormatForFile(out);
        if (!format) {
            fail(QStringLiteral("report: cannot tell the format of %1 from its extension; use --format html|csv|json").arg(out));
            return BadInput;
        }
    }
    const auto state = stateOption(p);
    if (!state)
        return BadInput;
    if (!out.isEmpty()) {
        if (auto st = writeRunReport(*state, out, *format); !st) {
            fail(st.error().message);
            return BadInput;
        }
        return Ok;
    }
    auto r = readRunReport(*state);
    if (!r) {
        fail(r.error().message);
        return BadInput;
    }
    const QByteArray bytes = render(*r, *format);
    std::fwrite(bytes.constData(), 1, size_t(bytes.size()), stdout);
    return Ok;
}

} // namespace cockpit::ctl
