#pragma once
// A stand-in for UpgradeRun::snapshot in model tests: tasks with versions, answering "what
// changed since version v" exactly like the real run, without a scheduler or databases.

#include "run/runsnapshot.h"
#include "ui/tasktablemodel.h"

#include <functional>

namespace cockpit::testing {

inline TaskView makeTask(int ordinal, const QString &name, qint64 rowsTotal = 1000)
{
    TaskView t;
    t.spec.name = name;
    t.spec.kind = rowsTotal > 0 ? TaskKind::Copy : TaskKind::Index;
    t.spec.table = name.section(QLatin1Char(':'), 1);
    t.spec.group = QStringLiteral("copy");
    t.spec.ordinal = ordinal;
    t.spec.estimatedRows = rowsTotal;
    t.status.rowsTotal = rowsTotal;
    return t;
}

class FakeRun {
public:
    int snapshots = 0; // how many times the model asked

    void add(TaskView t)
    {
        t.version = ++m_version;
        m_tasks.push_back(std::move(t));
        recount();
    }
    void update(int index, const std::function<void(TaskView &)> &change)
    {
        change(m_tasks[index]);
        m_tasks[index].version = ++m_version;
        recount();
    }
    const TaskView &task(int index) const { return m_tasks.at(index); }
    int size() const { return int(m_tasks.size()); }
    RunSummary &summary() { return m_summary; }

    RunSnapshot snapshot(quint64 since)
    {
        ++snapshots;
        RunSnapshot s;
        for (const TaskView &t : m_tasks) {
            if (t.version > since)
                s.tasks.push_back(t);
        }
        s.summary = m_summary;
        s.version = m_version;
        return s;
    }
    TaskTableModel::SnapshotSource source()
    {
        return [this](quint64 since) { return snapshot(since); };
    }

private:
    void recount()
    {
        m_summary.countByState = {};
        m_summary.taskCount = int(m_tasks.size());
        m_summary.rowsDone = m_summary.rowsTotal = 0;
        for (const TaskView &t : m_tasks) {
            ++m_summary.countByState[size_t(t.status.state)];
            m_summary.rowsDone += t.status.rowsDone;
            m_summary.rowsTotal += t.status.rowsTotal;
        }
    }

    QVector<TaskView> m_tasks;
    quint64 m_version = 0;
    RunSummary m_summary;
};

} // namespace cockpit::testing
