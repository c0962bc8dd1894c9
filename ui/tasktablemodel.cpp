#include "ui/tasktablemodel.h"

#include "run/upgraderun.h"
#include "ui/taskstatepresentation.h"

#include <QBrush>
#include <QDateTime>
#include <QLocale>
#include <QPointer>
#include <algorithm>

namespace cockpit {

namespace {

// The roles a tick can change; the name, phase and group never change after planning.
const QList<int> kChangingRoles{Qt::DisplayRole,
                                Qt::DecorationRole,
                                Qt::ToolTipRole,
                                Qt::ForegroundRole,
                                TaskTableModel::ProgressRole,
                                TaskTableModel::StateRole,
                                TaskTableModel::SortRole,
                                TaskTableModel::RowsDoneRole,
                                TaskTableModel::RowsTotalRole};

bool byOrdinal(const TaskView &a, const TaskView &b)
{
    return a.spec.ordinal < b.spec.ordinal;
}

// Seconds spent executing, counting the current attempt even when the store has not summed
// it into `seconds` yet.
double elapsedSeconds(const TaskView &t)
{
    double s = t.status.seconds;
    if (t.status.state == TaskState::Executing && t.status.startedAt.isValid()) {
        const double current =
            t.status.startedAt.msecsTo(QDateTime::currentDateTimeUtc()) / 1000.0;
        s = std::max(s, current);
    }
    return s;
}

} // namespace

TaskTableModel::TaskTableModel(QObject *parent) : QAbstractTableModel(parent)
{
    m_timer.setInterval(250);
    m_timer.setTimerType(Qt::CoarseTimer);
    connect(&m_timer, &QTimer::timeout, this, &TaskTableModel::refresh);
}

TaskTableModel::~TaskTableModel() = default;

void TaskTableModel::setRun(UpgradeRun *run)
{
    if (!run) {
        setSnapshotSource({});
        return;
    }
    setSnapshotSource([guard = QPointer<UpgradeRun>(run)](quint64 since) {
        return guard ? guard->snapshot(since) : RunSnapshot{};
    });
}

void TaskTableModel::setSnapshotSource(SnapshotSource source)
{
    m_timer.stop();
    beginResetModel();
    m_tasks.clear();
    m_rowByName.clear();
    m_summary = {};
    m_version = 0;
    m_source = std::move(source);
    endResetModel();
    if (m_source) {
        refresh();
        m_timer.start();
    }
}

void TaskTableModel::setRefreshInterval(int milliseconds)
{
    m_timer.setInterval(std::max(1, milliseconds));
}

int TaskTableModel::refreshInterval() const
{
    return m_timer.interval();
}

void TaskTableModel::refresh()
{
    if (!m_source)
        return;
    apply(m_source(m_version));
}

void TaskTableModel::apply(RunSnapshot snapshot)
{
    if (snapshot.version < m_version) {
        // The source started over (another run was opened): rebuild from everything.
        beginResetModel();
        m_tasks.clear();
        m_rowByName.clear();
        m_version = 0;
        endResetModel();
        snapshot = m_source(0);
    }

    QVector<Change> changes;
    QVector<TaskView> added;
    changes.reserve(snapshot.tasks.size());
    for (TaskView &t : snapshot.tasks) {
        const auto it = m_rowByName.constFind(t.spec.name);
        if (it == m_rowByName.constEnd()) {
            added.push_back(std::move(t));
            continue;
        }
        if (t.version != 0 && t.version <= m_tasks[*it].version)
            continue; // stale duplicate
        changes.push_back({*it, std::move(t), true});
    }
    // The elapsed time of executing tasks moves on even when their counters do not
    // (an index build reports no rows), so they are repainted every tick.
    if (changes.size() * 2 <= m_tasks.size()) {
        for (int row = 0; row < m_tasks.size(); ++row) {
            if (m_tasks[row].status.state == TaskState::Executing)
                changes.push_back({row, {}, false});
        }
    }

    const bool changed = !changes.isEmpty() || !added.isEmpty();
    if (!changes.isEmpty())
        applyChanges(std::move(changes));
    if (!added.isEmpty())
        insertTasks(std::move(added));

    m_summary = snapshot.summary;
    m_version = std::max(m_version, snapshot.version);
    emit refreshed(changed);
}

void TaskTableModel::insertTasks(QVector<TaskView> added)
{
    std::stable_sort(added.begin(), added.end(), byOrdinal);

    if (m_tasks.isEmpty() || byOrdinal(m_tasks.constLast(), added.constFirst())
        || m_tasks.constLast().spec.ordinal == added.constFirst().spec.ordinal) {
        // The usual case: the first tick after opening, or tasks planned after the others.
        const int first = int(m_tasks.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        m_tasks.reserve(m_tasks.size() + added.size());
        for (TaskView &t : added) {
            m_rowByName.insert(t.spec.name, int(m_tasks.size()));
            m_tasks.push_back(std::move(t));
        }
        endInsertRows();
        return;
    }

    // Tasks that belong between existing rows: one insertion per block that lands at the same
    // place, from the bottom up so the positions computed before stay valid.
    struct Block {
        int at;
        int begin;
        int end; // [begin, end) in `added`
    };
    QVector<Block> blocks;
    for (int i = 0; i < added.size(); ++i) {
        const int at = int(std::upper_bound(m_tasks.cbegin(), m_tasks.cend(), added[i], byOrdinal)
                           - m_tasks.cbegin());
        if (!blocks.isEmpty() && blocks.last().at == at)
            blocks.last().end = i + 1;
        else
            blocks.push_back({at, i, i + 1});
    }
    for (auto b = blocks.crbegin(); b != blocks.crend(); ++b) {
        beginInsertRows({}, b->at, b->at + (b->end - b->begin) - 1);
        m_tasks.insert(b->at, b->end - b->begin, TaskView{});
        for (int i = b->begin; i < b->end; ++i)
            m_tasks[b->at + (i - b->begin)] = std::move(added[i]);
        endInsertRows();
    }
    m_rowByName.clear();
    m_rowByName.reserve(m_tasks.size());
    for (int row = 0; row < m_tasks.size(); ++row)
        m_rowByName.insert(m_tasks[row].spec.name, row);
}

void TaskTableModel::applyChanges(QVector<Change> changes)
{
    const int lastColumn = ColumnCount - 1;
    // Fresh values first, so a row both refreshed and executing keeps its new value.
    std::stable_sort(changes.begin(), changes.end(), [](const Change &a, const Change &b) {
        return a.row < b.row || (a.row == b.row && a.fresh && !b.fresh);
    });
    changes.erase(std::unique(changes.begin(), changes.end(),
                              [](const Change &a, const Change &b) { return a.row == b.row; }),
                  changes.end());

    if (changes.size() * 2 > m_tasks.size()) {
        for (Change &c : changes) {
            if (c.fresh)
                m_tasks[c.row] = std::move(c.view);
        }
        emit dataChanged(index(0, 0), index(int(m_tasks.size()) - 1, lastColumn), kChangingRoles);
        return;
    }
    // Each range's data is stored just before its signal: a sorting proxy handles one
    // dataChanged at a time and re-sorts against the rows it has not been told about yet,
    // so those must still hold their old values (otherwise the proxy ends up unsorted).
    int begin = 0;
    while (begin < changes.size()) {
        int end = begin + 1;
        while (end < changes.size() && changes[end].row == changes[end - 1].row + 1)
            ++end;
        for (int i = begin; i < end; ++i) {
            if (changes[i].fresh)
                m_tasks[changes[i].row] = std::move(changes[i].view);
        }
        emit dataChanged(index(changes[begin].row, 0), index(changes[end - 1].row, lastColumn),
                         kChangingRoles);
        begin = end;
    }
}

int TaskTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_tasks.size());
}

int TaskTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

Qt::ItemFlags TaskTableModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QVariant TaskTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TaskView &t = m_tasks.at(index.row());
    const int column = index.column();

    switch (role) {
    case Qt::DisplayRole: return displayData(t, column);
    case Qt::DecorationRole:
        if (column == StateColumn)
            return TaskStatePresentation::icon(t.status.state);
        return {};
    case Qt::ToolTipRole: return toolTip(t, column);
    case Qt::ForegroundRole:
        if (column == MessageColumn && t.status.state == TaskState::Error)
            return QBrush(TaskStatePresentation::color(TaskState::Error));
        if ((column == MessageColumn || column == StateColumn) && t.stalled)
            return QBrush(TaskStatePresentation::stalledColor());
        return {};
    case Qt::TextAlignmentRole:
        switch (Column(column)) {
        case RateColumn:
        case TimeColumn:
        case AttemptsColumn:
        case PriorityColumn: return QVariant(Qt::AlignRight | Qt::AlignVCenter);
        case ProgressColumn: return QVariant(Qt::AlignCenter);
        case TaskColumn:
        case PhaseColumn:
        case GroupColumn:
        case StateColumn:
        case MessageColumn:
        case ColumnCount: return QVariant(Qt::AlignLeft | Qt::AlignVCenter);
        }
        return {};
    case ProgressRole: // a script shows its bar once it knows its statements
        return countsRows(t) && !(t.spec.kind == TaskKind::Script && t.status.rowsTotal <= 0) ? QVariant(permille(t)) : QVariant();
    case StateRole: return int(t.status.state);
    case SortRole: return sortData(t, column);
    case TaskNameRole: return t.spec.name;
    case RowsDoneRole: return t.status.rowsDone;
    case RowsTotalRole: return t.status.rowsTotal;
    case StopsAtBatchRole: return t.spec.stopsAtBatch();
    default: return {};
    }
}

QVariant TaskTableModel::displayData(const TaskView &t, int column) const
{
    const TaskStatus &s = t.status;
    switch (Column(column)) {
    case TaskColumn: return t.spec.name;
    case PhaseColumn: return phaseName(t.spec.kind);
    case GroupColumn: return t.spec.group;
    case StateColumn:
        if (s.state == TaskState::Ended && s.skipped)
            return tr("Ended (skipped)");
        if (t.stalled)
            return TaskStatePresentation::stalledLabel();
        return TaskStatePresentation::label(s.state);
    case ProgressColumn:
        if (t.spec.kind == TaskKind::Script && s.rowsTotal > 0) {
            // Statements done; while one runs (or where one failed) that one's number.
            const qint64 at = std::min(s.rowsDone + (s.state == TaskState::Executing || s.state == TaskState::Error), s.rowsTotal);
            return s.state == TaskState::Error ? tr("failed at %1 of %2").arg(at).arg(s.rowsTotal)
                                               : tr("statement %1 of %2").arg(at).arg(s.rowsTotal);
        }
        if (countsRows(t) && (s.rowsTotal > 0 || s.rowsDone > 0))
            return tr("%1 / %2").arg(formatCount(s.rowsDone),
                                     s.rowsTotal > 0 ? formatCount(s.rowsTotal) : tr("?"));
        return {};
    case RateColumn:
        if (s.state == TaskState::Executing && t.rowsPerSecond > 0 && t.spec.kind != TaskKind::Script)
            return tr("%1/s").arg(formatCount(qint64(t.rowsPerSecond + 0.5)));
        return {};
    case TimeColumn: {
        const double elapsed = elapsedSeconds(t);
        if (elapsed <= 0 && s.state != TaskState::Executing)
            return {};
        const QString e = formatDuration(elapsed);
        if (s.state == TaskState::Executing && t.etaSeconds >= 0)
            return tr("%1 / %2 left").arg(e, formatDuration(t.etaSeconds));
        return e;
    }
    case AttemptsColumn: return s.attempts > 0 ? QString::number(s.attempts) : QString();
    case PriorityColumn: return QString::number(t.spec.priority);
    case MessageColumn:
        if (!s.message.isEmpty())
            return s.message;
        if (s.state == TaskState::Waiting)
            return t.waitReason;
        return {};
    case ColumnCount: break;
    }
    return {};
}

QVariant TaskTableModel::sortData(const TaskView &t, int column) const
{
    const TaskStatus &s = t.status;
    switch (Column(column)) {
    case TaskColumn: return t.spec.name;
    case PhaseColumn: return int(t.spec.kind);
    case GroupColumn: return t.spec.group;
    case StateColumn: {
        // Sorting by state puts what needs the administrator's eyes first: failures, then
        // what is running, then what is held back; ended tasks last.
        switch (s.state) {
        case TaskState::Error: return 0;
        case TaskState::Executing: return 1;
        case TaskState::Ready: return 2;
        case TaskState::Paused: return 3;
        case TaskState::Canceled: return 4;
        case TaskState::Waiting: return 5;
        case TaskState::Ended: return 6;
        }
        return 7;
    }
    case ProgressColumn:
        // Fraction done; tasks that do not count rows sort by their state's completion.
        return permille(t);
    case RateColumn: return s.state == TaskState::Executing ? t.rowsPerSecond : 0.0;
    case TimeColumn: return elapsedSeconds(t);
    case AttemptsColumn: return s.attempts;
    case PriorityColumn: return t.spec.priority;
    case MessageColumn: return displayData(t, MessageColumn);
    case ColumnCount: break;
    }
    return {};
}

QString TaskTableModel::toolTip(const TaskView &t, int column) const
{
    const TaskStatus &s = t.status;
    switch (Column(column)) {
    case TaskColumn: {
        QString tip = t.spec.name;
        if (!t.spec.table.isEmpty())
            tip += QLatin1Char('\n') + tr("Table: %1").arg(t.spec.table);
        if (t.spec.kind == TaskKind::Copy && t.spec.sampledRange) {
            // keyLo..keyHi are row positions here, and so is the checkpoint.
            tip += QLatin1Char('\n')
                 + tr("Keys after %1 through %2 (rows %3 to %4 in key order)")
                       .arg(t.spec.keyAfter ? QLatin1Char('"') + *t.spec.keyAfter + QLatin1Char('"') : tr("the first"),
                            t.spec.keyThrough ? QLatin1Char('"') + *t.spec.keyThrough + QLatin1Char('"') : tr("the last"),
                            formatCount(t.spec.keyLo), formatCount(t.spec.keyHi));
            if (s.hasCheckpoint)
                tip += QLatin1Char('\n') + tr("Committed: %1 rows of this chunk").arg(formatCount(std::max<qint64>(0, s.checkpoint - t.spec.keyLo + 1)));
        } else if (t.spec.kind == TaskKind::Copy && (t.spec.keyLo != 0 || t.spec.keyHi != 0))
            tip += QLatin1Char('\n')
                 + tr("Keys %1 to %2").arg(formatCount(t.spec.keyLo), formatCount(t.spec.keyHi));
        if (!t.spec.dependsOn.isEmpty())
            tip += QLatin1Char('\n') + tr("Depends on: %1").arg(t.spec.dependsOn.join(QStringLiteral(", ")));
        return tip;
    }
    case StateColumn: {
        QString tip = TaskStatePresentation::label(s.state) + QStringLiteral(": ")
                    + TaskStatePresentation::description(s.state);
        if (s.state == TaskState::Waiting && !t.waitReason.isEmpty())
            tip += QLatin1Char('\n') + t.waitReason;
        return tip;
    }
    case ProgressColumn:
        if (t.spec.kind == TaskKind::Script && s.rowsTotal > 0)
            return tr("%1 of %2 statements done").arg(s.rowsDone).arg(s.rowsTotal);
        if (countsRows(t) && s.rowsTotal > 0)
            return tr("%1 of %2 rows (%3%)")
                .arg(formatCount(s.rowsDone), formatCount(s.rowsTotal))
                .arg(permille(t) / 10.0, 0, 'f', 1);
        return {};
    case TimeColumn: {
        QString tip;
        if (s.startedAt.isValid())
            tip = tr("Started %1").arg(QLocale().toString(s.startedAt.toLocalTime(),
                                                          QLocale::ShortFormat));
        if (s.endedAt.isValid())
            tip += QLatin1Char('\n') + tr("Ended %1").arg(QLocale().toString(s.endedAt.toLocalTime(),
                                                                             QLocale::ShortFormat));
        return tip.trimmed();
    }
    case MessageColumn: return displayData(t, MessageColumn).toString();
    case PhaseColumn:
    case GroupColumn:
    case RateColumn:
    case AttemptsColumn:
    case PriorityColumn:
    case ColumnCount: break;
    }
    return {};
}

QVariant TaskTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role == Qt::DisplayRole) {
        switch (Column(section)) {
        case TaskColumn: return tr("Task");
        case PhaseColumn: return tr("Phase");
        case GroupColumn: return tr("Batch group");
        case StateColumn: return tr("State");
        case ProgressColumn: return tr("Progress (rows)");
        case RateColumn: return tr("Rows/s");
        case TimeColumn: return tr("Elapsed / ETA");
        case AttemptsColumn: return tr("Attempts");
        case PriorityColumn: return tr("Priority");
        case MessageColumn: return tr("Message");
        case ColumnCount: break;
        }
    }
    if (role == Qt::ToolTipRole) {
        switch (Column(section)) {
        case ProgressColumn: return tr("Rows copied of the estimated total");
        case RateColumn: return tr("Rows per second over the last seconds");
        case TimeColumn: return tr("Time spent executing, and the estimated time left");
        case AttemptsColumn: return tr("How many times the task was started");
        case PriorityColumn:
            return tr("The administrator's priority: of the tasks ready to start, a higher one goes first "
                      "(before the largest-first order). Task > Raise / Lower priority changes it.");
        case MessageColumn: return tr("Why a task waits, or why it failed");
        case TaskColumn:
        case PhaseColumn:
        case GroupColumn:
        case StateColumn:
        case ColumnCount: break;
        }
    }
    return {};
}

QString TaskTableModel::formatCount(qint64 value)
{
    // The C locale (tests, minimal containers) omits group separators; "1000000" is hard to
    // read at a glance, so they are always on.
    static const QLocale locale = [] {
        QLocale l;
        l.setNumberOptions(l.numberOptions() & ~QLocale::OmitGroupSeparator);
        return l;
    }();
    return locale.toString(value);
}

QString TaskTableModel::formatDuration(double seconds)
{
    if (seconds < 0)
        return {};
    const qint64 total = qint64(seconds + 0.5);
    const qint64 h = total / 3600;
    const qint64 m = (total / 60) % 60;
    const qint64 s = total % 60;
    if (h > 0)
        return QStringLiteral("%1:%2:%3")
            .arg(h)
            .arg(m, 2, 10, QLatin1Char('0'))
            .arg(s, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1:%2").arg(m).arg(s, 2, 10, QLatin1Char('0'));
}

bool TaskTableModel::countsRows(const TaskView &t)
{
    // Copies and validations move through rows; preparing a table or building an index is
    // one statement whose "rows" would only ever jump from 0 to all.
    switch (t.spec.kind) {
    case TaskKind::Copy:
    case TaskKind::Validate:
    case TaskKind::Script: return true; // statements, not rows
    case TaskKind::Prepare:
    case TaskKind::Index:
    case TaskKind::PrimaryKey:
    case TaskKind::Finalize:
    case TaskKind::ForeignKey:
    case TaskKind::Check:
    case TaskKind::Identity:
    case TaskKind::View: return false;
    }
    return false;
}

int TaskTableModel::permille(const TaskView &t)
{
    const TaskStatus &s = t.status;
    if (s.state == TaskState::Ended)
        return 1000;
    if (s.rowsTotal <= 0)
        return 0;
    return int(std::clamp<qint64>(s.rowsDone * 1000 / s.rowsTotal, 0, 1000));
}

} // namespace cockpit
