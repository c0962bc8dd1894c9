// runAsync / AsyncJob / FutureSynchronizer (ui/asyncjob.h): results come back on the GUI
// thread, a superseded request's result is dropped, and the synchronizer waits for its jobs
// (and drops the queued ones that only read) when it is destroyed.
#include "ui/asyncjob.h"
#include "ui/futuresynchronizer.h"

#include <QSemaphore>
#include <QTest>
#include <QThread>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <atomic>

using namespace cockpit;

namespace {

// Releases a job blocked on it even when a check fails first, so no test leaves a pool thread
// waiting forever.
struct Gate {
    QSemaphore semaphore;
    ~Gate() { semaphore.release(100); }
    void open() { semaphore.release(100); }
    void pass() { semaphore.acquire(); }
};

} // namespace

class TestAsyncJob final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void resultIsDeliveredOnTheGuiThread();
    void supersededResultIsDropped();
    void supersedeWithoutNewRequestDropsTheResult();
    void nothingIsDeliveredToADestroyedReceiver();
    void synchronizerIsFoundOnTheWindow();
    void synchronizerWaitsOnDestruction();
    void queuedReadsAreCanceledQueuedWritesStillRun();
};

void TestAsyncJob::initTestCase()
{
    // A blocked job and the one after it run side by side even on a one-core machine.
    QThreadPool::globalInstance()->setMaxThreadCount(std::max(4, QThreadPool::globalInstance()->maxThreadCount()));
}

void TestAsyncJob::resultIsDeliveredOnTheGuiThread()
{
    QObject window;
    QThread *gui = QThread::currentThread();
    QThread *workedOn = nullptr;
    QThread *deliveredOn = nullptr;
    int delivered = 0;
    runAsync(&window, FutureSynchronizer::OnClose::Cancel,
             [] { return QThread::currentThread(); },
             [&](QThread *worker) {
                 workedOn = worker;
                 deliveredOn = QThread::currentThread();
                 ++delivered;
             });
    QTRY_COMPARE(delivered, 1);
    QVERIFY(workedOn != gui);
    QCOMPARE(deliveredOn, gui);
}

void TestAsyncJob::supersededResultIsDropped()
{
    QObject window;
    AsyncJob job(&window);
    Gate first;
    QList<int> delivered;
    job.start([&first] {
        first.pass();
        return 1;
    }, [&](int v) { delivered << v; });
    job.start([] { return 2; }, [&](int v) { delivered << v; });
    QTRY_COMPARE(delivered, QList<int>{2});
    // The first request finishes after the second was shown: it must not overwrite it.
    first.open();
    FutureSynchronizer::of(&window)->waitForAll();
    QCoreApplication::processEvents();
    QTest::qWait(50);
    QCOMPARE(delivered, QList<int>{2});
    QVERIFY(!job.isRunning());
}

void TestAsyncJob::supersedeWithoutNewRequestDropsTheResult()
{
    QObject window;
    AsyncJob job(&window);
    Gate gate;
    int delivered = 0;
    job.start([&gate] {
        gate.pass();
        return 7;
    }, [&](int) { ++delivered; });
    QVERIFY(job.isRunning());
    job.supersede(); // the inputs changed while it worked
    QVERIFY(job.isRunning()); // still working, though nobody wants the answer
    gate.open();
    QTRY_VERIFY(!job.isRunning());
    QTest::qWait(50);
    QCOMPARE(delivered, 0);

    // A later request is delivered again.
    job.start([] { return 8; }, [&](int v) { delivered = v; });
    QTRY_COMPARE(delivered, 8);
}

void TestAsyncJob::nothingIsDeliveredToADestroyedReceiver()
{
    QObject window;
    auto *receiver = new QObject(&window);
    Gate gate;
    bool delivered = false;
    QFuture<int> future = runAsync(receiver, FutureSynchronizer::OnClose::Cancel, [&gate] {
        gate.pass();
        return 1;
    }, [&](int) { delivered = true; });
    delete receiver;
    gate.open();
    future.waitForFinished();
    QTest::qWait(50);
    QVERIFY(!delivered);
    QCOMPARE(future.result(), 1);
}

void TestAsyncJob::synchronizerIsFoundOnTheWindow()
{
    QObject window;
    auto *own = new FutureSynchronizer(&window);
    auto *dialog = new QObject(&window);
    auto *form = new QObject(dialog);
    QCOMPARE(FutureSynchronizer::of(form), own);
    QCOMPARE(FutureSynchronizer::of(&window), own);

    // Alone (a dialog shown by itself): one is made on the top-level object, once.
    QObject alone;
    auto *child = new QObject(&alone);
    FutureSynchronizer *made = FutureSynchronizer::of(child);
    QCOMPARE(made->parent(), &alone);
    QCOMPARE(FutureSynchronizer::of(&alone), made);
}

void TestAsyncJob::synchronizerWaitsOnDestruction()
{
    std::atomic<bool> done = false;
    QSemaphore started;
    Gate gate;
    {
        QObject window;
        FutureSynchronizer::of(&window); // the window's, destroyed with it
        runAsync(&window, FutureSynchronizer::OnClose::Cancel, [&] {
            started.release();
            gate.pass();
            QThread::msleep(100);
            done = true;
        }, [] {});
        started.acquire(); // a job already working is not canceled: it is waited for
        QVERIFY(!done);
        gate.open();
    } // ~QObject destroys the synchronizer, which waits
    QVERIFY(done);
}

void TestAsyncJob::queuedReadsAreCanceledQueuedWritesStillRun()
{
    // Occupy every pool thread, so the two jobs below stay queued.
    QThreadPool *pool = QThreadPool::globalInstance();
    Gate busy;
    QList<QFuture<void>> blockers;
    for (int i = 0; i < pool->maxThreadCount(); ++i)
        blockers << QtConcurrent::run([&busy] { busy.pass(); });
    std::atomic<bool> readRan = false;
    std::atomic<bool> writeRan = false;
    {
        QObject window;
        FutureSynchronizer::of(&window);
        runAsync(&window, FutureSynchronizer::OnClose::Cancel, [&] { readRan = true; }, [] {});
        runAsync(&window, FutureSynchronizer::OnClose::Finish, [&] { writeRan = true; }, [] {});
        QCOMPARE(FutureSynchronizer::of(&window)->unfinishedCount(), 2);
    } // the synchronizer cancels the read and runs the write before the window is gone
    QVERIFY(writeRan);
    QVERIFY(!readRan);
    busy.open();
    for (QFuture<void> &f : blockers)
        f.waitForFinished();
    QVERIFY(!readRan);
}

QTEST_MAIN(TestAsyncJob)
#include "tst_ui_asyncjob.moc"
