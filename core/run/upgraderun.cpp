#include "run/upgraderun.h"
#include "run/scheduler.h"

#include <QCoreApplication>
#include <QFileInfo>

namespace cockpit {

UpgradeRun::UpgradeRun(QObject *parent) : QObject(parent)
{
    qRegisterMetaType<cockpit::TaskAction>("cockpit::TaskAction");
    m_scheduler = new Scheduler(QFileInfo(QCoreApplication::applicationFilePath()).fileName());
    m_scheduler->moveToThread(&m_thread);
    m_thread.setObjectName(QStringLiteral("scheduler"));
    connect(m_scheduler, &Scheduler::opened, this, &UpgradeRun::opened);
    connect(m_scheduler, &Scheduler::actionDone, this, &UpgradeRun::actionDone);
    connect(m_scheduler, &Scheduler::groupActionDone, this, &UpgradeRun::groupActionDone);
    connect(m_scheduler, &Scheduler::priorityDone, this, &UpgradeRun::priorityDone);
    connect(m_scheduler, &Scheduler::finished, this, &UpgradeRun::finished);
    connect(m_scheduler, &Scheduler::stopped, this, &UpgradeRun::stopped);
    connect(m_scheduler, &Scheduler::logLine, this, &UpgradeRun::logLine);
    m_thread.start();
}

UpgradeRun::~UpgradeRun()
{
    Scheduler *s = m_scheduler;
    QMetaObject::invokeMethod(s, [s] { s->shutdown(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete m_scheduler; // its thread has ended: nothing else can touch it
}

void UpgradeRun::share(const RunSharing &sharing)
{
    Scheduler *s = m_scheduler;
    QMetaObject::invokeMethod(s, [s, sharing] { s->share(sharing); }, Qt::QueuedConnection);
}

void UpgradeRun::open(const Plan &plan)
{
    Scheduler *s = m_scheduler;
    QMetaObject::invokeMethod(s, [s, plan] { s->open(plan); }, Qt::QueuedConnection);
}

void UpgradeRun::openState(const QString &statePath)
{
    Scheduler *s = m_scheduler;
    QMetaObject::invokeMethod(s, [s, statePath] { s->openState(statePath); }, Qt::QueuedConnection);
}

void UpgradeRun::start()
{
    Scheduler *s = m_scheduler;
    QMetaObject::invokeMethod(s, [s] { s->start(); }, Qt::QueuedConnection);
}

void UpgradeRun::stop()
{
    Scheduler *s = m_scheduler;
    QMetaObject::invokeMethod(s, [s] { s->stop(); }, Qt::QueuedConnection);
}

void UpgradeRun::request(TaskAction action, const QStringList &taskNames, bool withDependents)
{
    Scheduler *s = m_scheduler;
    QMetaObject::invokeMethod(s, [=] { s->act(action, taskNames, withDependents); }, Qt::QueuedConnection);
}

void UpgradeRun::pauseAll()
{
    Scheduler *s = m_scheduler;
    QMetaObject::invokeMethod(s, [s] { s->pauseAll(); }, Qt::QueuedConnection);
}

void UpgradeRun::resumeAll()
{
    Scheduler *s = m_scheduler;
    QMetaObject::invokeMethod(s, [s] { s->resumeAll(); }, Qt::QueuedConnection);
}

void UpgradeRun::setPriority(const QStringList &taskNames, int priority)
{
    Scheduler *s = m_scheduler;
    QMetaObject::invokeMethod(s, [=] { s->setPriority(taskNames, priority); }, Qt::QueuedConnection);
}

void UpgradeRun::setGroupThreads(const QString &group, int threads)
{
    Scheduler *s = m_scheduler;
    QMetaObject::invokeMethod(s, [=] { s->setGroupThreads(group, threads); }, Qt::QueuedConnection);
}

void UpgradeRun::setGroupWorkerRemoved(const QString &group, bool removed, const QString &worker)
{
    Scheduler *s = m_scheduler;
    QMetaObject::invokeMethod(s, [=] { s->setGroupWorkerRemoved(group, removed, worker); }, Qt::QueuedConnection);
}

RunSnapshot UpgradeRun::snapshot(quint64 sinceVersion) const
{
    return m_scheduler->snapshot(sinceVersion);
}

Plan UpgradeRun::plan() const
{
    return m_scheduler->plan();
}

} // namespace cockpit
