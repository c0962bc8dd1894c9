#include "run/workerpriority.h"

#include <QtGlobal>
#include <algorithm>
#include <atomic>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace cockpit {

namespace {
std::atomic<int> g_nice{0};
}

void setWorkerNiceness(int nice) { g_nice = std::clamp(nice, 0, 19); }

void applyWorkerNiceness()
{
    thread_local int applied = 0;
    const int wanted = g_nice;
    if (wanted == applied)
        return;
#ifdef Q_OS_LINUX
    // setpriority on a thread id sets that thread's nice value alone (Linux threads are tasks).
    // Lowering it back needs no privilege only down to the value it had: a failure is harmless.
    if (setpriority(PRIO_PROCESS, id_t(syscall(SYS_gettid)), wanted) == 0)
        applied = wanted;
#else
    applied = wanted;
#endif
}

} // namespace cockpit
