#include "ui/futuresynchronizer.h"

namespace cockpit {

FutureSynchronizer::FutureSynchronizer(QObject *parent) : QObject(parent)
{
    setObjectName(QStringLiteral("futureSynchronizer"));
}

FutureSynchronizer::~FutureSynchronizer()
{
    waitForAll();
}

void FutureSynchronizer::add(const QFuture<void> &future, OnClose onClose)
{
    // Finished jobs are forgotten here, so a long session does not pile them up.
    m_jobs.removeIf([](const Job &job) { return job.future.isFinished(); });
    m_jobs.push_back({future, onClose});
}

void FutureSynchronizer::waitForAll()
{
    for (Job &job : m_jobs) {
        if (job.onClose == OnClose::Cancel)
            job.future.cancel(); // a job already working finishes anyway
    }
    for (Job &job : m_jobs)
        job.future.waitForFinished();
    m_jobs.clear();
}

int FutureSynchronizer::unfinishedCount() const
{
    return int(std::count_if(m_jobs.cbegin(), m_jobs.cend(), [](const Job &job) { return !job.future.isFinished(); }));
}

FutureSynchronizer *FutureSynchronizer::of(QObject *object)
{
    QObject *top = object;
    for (QObject *o = object; o; o = o->parent()) {
        if (auto *found = o->findChild<FutureSynchronizer *>(QString(), Qt::FindDirectChildrenOnly))
            return found;
        top = o;
    }
    return new FutureSynchronizer(top);
}

} // namespace cockpit
