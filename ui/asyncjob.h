#pragma once
// Background work for widgets: runAsync() runs a function on the global thread pool and hands
// its result to the receiver on the receiver's (GUI) thread; AsyncJob is a series of such
// requests of which only the latest counts. The futures are kept by the window's
// FutureSynchronizer, which waits for them when the window goes. The work runs on another
// thread: it must capture values, never the receiver.

#include "ui/futuresynchronizer.h"

#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>
#include <type_traits>
#include <utility>

namespace cockpit {

// `deliver(result)` runs on `receiver`'s thread once `work()` returned, unless `receiver` was
// destroyed first (the watcher is its child and goes with it).
template <typename Work, typename Deliver>
auto runAsync(QObject *receiver, FutureSynchronizer::OnClose onClose, Work work, Deliver deliver)
{
    using Result = std::invoke_result_t<Work>;
    QFuture<Result> future = QtConcurrent::run(std::move(work));
    auto *watcher = new QFutureWatcher<Result>(receiver);
    QObject::connect(watcher, &QFutureWatcherBase::finished, receiver,
                     [watcher, deliver = std::move(deliver)]() mutable {
                         watcher->deleteLater();
                         if (watcher->isCanceled()) // dropped while the window closed
                             return;
                         if constexpr (std::is_void_v<Result>)
                             deliver();
                         else
                             deliver(watcher->result());
                     });
    watcher->setFuture(future);
    FutureSynchronizer::of(receiver)->add(QFuture<void>(future), onClose);
    return future;
}

// One kind of request of one receiver (a connection test, a table listing): start() runs it
// like runAsync(), and a newer start() or supersede() drops the result of an older one. A
// member of its receiver, so that it lives as long as a delivery can come.
class AsyncJob {
public:
    explicit AsyncJob(QObject *receiver, FutureSynchronizer::OnClose onClose = FutureSynchronizer::OnClose::Cancel)
        : m_receiver(receiver), m_onClose(onClose)
    {
    }
    AsyncJob(const AsyncJob &) = delete;
    AsyncJob &operator=(const AsyncJob &) = delete;

    template <typename Work, typename Deliver>
    void start(Work work, Deliver deliver)
    {
        const quint64 request = ++m_latest;
        m_future = QFuture<void>(runAsync(m_receiver, m_onClose, std::move(work),
                                          [this, request, deliver = std::move(deliver)](auto &&...result) mutable {
                                              if (request == m_latest)
                                                  deliver(std::forward<decltype(result)>(result)...);
                                          }));
    }
    // The request in flight no longer applies (its inputs changed): its result is dropped.
    void supersede() { ++m_latest; }
    // The latest start()'s work is still running, superseded or not.
    bool isRunning() const { return m_future.isRunning(); }
    // For a write that must be done before its receiver goes, not only before the window.
    void waitForFinished() { m_future.waitForFinished(); }

private:
    QObject *m_receiver;
    FutureSynchronizer::OnClose m_onClose;
    quint64 m_latest = 0;
    QFuture<void> m_future;
};

} // namespace cockpit
