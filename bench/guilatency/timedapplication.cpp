#include "timedapplication.h"

#include <QElapsedTimer>
#include <QEvent>
#include <QMetaEnum>
#include <QThread>
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

namespace cockpit::bench {

namespace {

constexpr double kWorthKeepingMs = 20; // a fraction of the 50 ms target
constexpr size_t kKept = 64;

// CPU time of the calling thread: a delivery that took long on the wall clock but little CPU
// waited for a core (other processes, the run's own workers), it did not compute.
double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// What received an event, read before delivery (the receiver may be gone afterwards:
// DeferredDelete) and cheaply (class names are static strings); formatted only when slow.
struct Receiver {
    QEvent::Type type;
    const char *className;
    QString objectName;
    const char *parentClassName;

    QString text() const
    {
        const char *typeName = QMetaEnum::fromType<QEvent::Type>().valueToKey(type);
        QString what = QStringLiteral("%1 to %2")
                           .arg(typeName ? QString::fromLatin1(typeName) : QString::number(type),
                                QString::fromLatin1(className));
        if (!objectName.isEmpty())
            what += QStringLiteral(" \"%1\"").arg(objectName);
        if (parentClassName)
            what += QStringLiteral(" in %1").arg(QString::fromLatin1(parentClassName));
        return what;
    }
};

// Nanoseconds the GUI thread has spent runnable but waiting for a core (Linux schedstat, second
// field); -1 when unknown. The file stays open: one pread per delivery.
double runQueueWaitMs()
{
    static const int fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
    char buffer[128];
    const ssize_t n = fd < 0 ? -1 : pread(fd, buffer, sizeof buffer - 1, 0);
    if (n <= 0)
        return -1;
    buffer[n] = 0;
    unsigned long long onCpu = 0, waiting = 0;
    if (std::sscanf(buffer, "%llu %llu", &onCpu, &waiting) != 2)
        return -1;
    return double(waiting) / 1e6;
}

} // namespace

TimedApplication::TimedApplication(int &argc, char **argv) : QApplication(argc, argv) {}

bool TimedApplication::notify(QObject *receiver, QEvent *event)
{
    // notify() also runs on the workers' threads, for their own events: only the GUI thread's
    // deliveries are timed.
    if (m_depth > 0 || QThread::currentThread() != thread())
        return QApplication::notify(receiver, event);
    const QObject *parent = receiver->parent();
    const Receiver what{event->type(), receiver->metaObject()->className(), receiver->objectName(),
                        parent ? parent->metaObject()->className() : nullptr};
    QElapsedTimer clock;
    clock.start();
    const double cpuStart = threadCpuMs();
    const double waitStart = runQueueWaitMs();
    ++m_depth;
    const bool result = QApplication::notify(receiver, event);
    --m_depth;
    const double ms = double(clock.nsecsElapsed()) / 1e6;
    const double cpuMs = threadCpuMs() - cpuStart;
    if (cpuMs > m_busiest.cpuMs)
        m_busiest = {ms, cpuMs, -1, what.text()};
    if (ms >= kWorthKeepingMs) {
        const double waitEnd = runQueueWaitMs();
        m_slowest.push_back({ms, cpuMs,
                             waitStart < 0 || waitEnd < 0 ? -1 : waitEnd - waitStart, what.text()});
        std::sort(m_slowest.begin(), m_slowest.end(),
                  [](const SlowEvent &a, const SlowEvent &b) { return a.ms > b.ms; });
        if (m_slowest.size() > kKept)
            m_slowest.pop_back();
    }
    return result;
}

std::vector<SlowEvent> TimedApplication::slowEvents(size_t count) const
{
    return {m_slowest.begin(), m_slowest.begin() + std::min(count, m_slowest.size())};
}

} // namespace cockpit::bench
