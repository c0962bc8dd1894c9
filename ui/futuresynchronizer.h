#pragma once
// Keeps the futures of a window's background jobs (the idea of Qt Creator's FutureSynchronizer):
// when the window goes, the jobs still queued that only read are canceled and every job is
// waited for, so no worker thread outlives the window that started it. GUI thread only.

#include <QFuture>
#include <QList>
#include <QObject>

namespace cockpit {

class FutureSynchronizer final : public QObject {
    Q_OBJECT
public:
    // Whether a job not started yet may be dropped when the window goes (it only reads), or
    // must still run (a write someone relies on: a report, a logged override, the demo).
    enum class OnClose { Cancel, Finish };

    explicit FutureSynchronizer(QObject *parent = nullptr);
    ~FutureSynchronizer() override; // waitForAll()

    void add(const QFuture<void> &future, OnClose onClose);
    // Cancels the jobs marked Cancel, then waits for every job.
    void waitForAll();
    int unfinishedCount() const;

    // The synchronizer of the window `object` belongs to: the nearest ancestor's, else a new
    // one on its top-level ancestor (a dialog shown on its own, as tests do).
    static FutureSynchronizer *of(QObject *object);

private:
    struct Job {
        QFuture<void> future;
        OnClose onClose;
    };
    QList<Job> m_jobs;
};

} // namespace cockpit
