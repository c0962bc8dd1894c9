// upgradectl: the headless cockpit, for servers and scripts. Same engine as the window.

#include "commands.h"

#include <QCoreApplication>
#include <cstdio>
#include <sys/stat.h>

static const char kUsage[] =
    "usage: upgradectl COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  demo   --dir D [--rows N] [--scale F] write the demo source database and plan into D\n"
    "  plan   --source URL --target URL --out F   write a plan file to start from\n"
    "  preflight --plan F                        check both databases before a run: reachable,\n"
    "                                            privileges, other sessions, free space, tables\n"
    "                                            already on the target (exit 1 on blockers)\n"
    "  run    --plan F | --source URL --target URL | --state S\n"
    "         [--state S] [--threads N] [--json]  run (or resume) the upgrade to its end; refuses\n"
    "         [--override REASON] [--quiet]       when the preflight finds blockers, unless overridden;\n"
    "         [--exit-when-held]                  waits while only paused tasks are left (exit 3\n"
    "                                            with --exit-when-held)\n"
    "  status --state S [--json]                 tasks, states and progress of a run\n"
    "  pause|resume|rerun|skip|cancel --state S [--with-dependents] TASK...\n"
    "                                            act on tasks (globs allowed), also while\n"
    "                                            another process runs the upgrade\n"
    "  priority --state S TASK... N              set the priority of Waiting, Paused, Error or\n"
    "                                            Canceled tasks (a whole number, default 0; higher\n"
    "                                            is dispatched first), also while another runs it\n"
    "  worker --state postgresql://... [--group G]... [--threads N] [--name W]\n"
    "                                            work in a run shared through a PostgreSQL\n"
    "                                            store until it ends (run --threads 0 there:\n"
    "                                            a coordinator that leaves the work to workers)\n"
    "  worker remove|add --state S --group G     stop / restart dispatching a batch group's\n"
    "         [--worker W]                       tasks (executing ones finish); with --worker,\n"
    "                                            only that worker of a shared run\n"
    "  worker threads --state S --group G --count N\n"
    "                                            a batch group's thread limit (1..256)\n"
    "  report --state S [--format html|csv|json] [--out F]\n"
    "                                            the run's report (stdout without --out;\n"
    "                                            the format follows F's extension)\n"
    "\n"
    "state: S is the run's control store, an SQLite file (default upgrade.state.db) or a\n"
    "       PostgreSQL schema, postgresql://USER@HOST:PORT/DB[?schema=NAME] (default schema\n"
    "       cockpit_state, created by the tool; password from PGPASSWORD or ~/.pgpass, never in\n"
    "       the URL); with a URL the run's log goes to ~/.local/state/upgrade-cockpit/\n"
    "\n"
    "exit codes: 0 done, 1 a task failed, an action was refused or the preflight found\n"
    "            blockers, 2 bad input,\n"
    "            3 stopped with tasks paused, canceled or blocked\n";

int main(int argc, char *argv[])
{
    // The control store, logs, reject files and reports hold the company's data and its
    // servers' names: user-only (files 0600, folders 0700), whatever the login's umask.
    ::umask(077);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("upgradectl"));
    QCoreApplication::setOrganizationName(QStringLiteral("upgrade-cockpit"));
    QCoreApplication::setApplicationVersion(QStringLiteral(COCKPIT_VERSION));
    QStringList args = app.arguments();
    args.removeFirst();
    if (args.isEmpty() || args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h")
        || args.first() == QLatin1String("help")) {
        std::fputs(kUsage, args.isEmpty() ? stderr : stdout);
        return args.isEmpty() ? cockpit::ctl::BadInput : cockpit::ctl::Ok;
    }
    if (args.first() == QLatin1String("--version")) {
        std::printf("upgradectl %s\n", COCKPIT_VERSION);
        return 0;
    }
    const QString command = args.takeFirst();
    if (command == QLatin1String("demo"))
        return cockpit::ctl::demo(args);
    if (command == QLatin1String("plan"))
        return cockpit::ctl::plan(args);
    if (command == QLatin1String("preflight"))
        return cockpit::ctl::preflight(args);
    if (command == QLatin1String("run"))
        return cockpit::ctl::run(args);
    if (command == QLatin1String("status"))
        return cockpit::ctl::status(args);
    if (command == QLatin1String("worker"))
        return cockpit::ctl::worker(args);
    if (command == QLatin1String("priority"))
        return cockpit::ctl::priority(args);
    if (command == QLatin1String("report"))
        return cockpit::ctl::report(args);
    for (const char *verb : {"pause", "resume", "rerun", "skip", "cancel"})
        if (command == QLatin1String(verb))
            return cockpit::ctl::act(command, args);
    std::fprintf(stderr, "upgradectl: unknown command \"%s\"\n\n%s", qPrintable(command), kUsage);
    return cockpit::ctl::BadInput;
}
