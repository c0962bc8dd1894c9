#pragma once
// The rows of one table that did not convert: <rejectsDir>/<table>.rejects.csv, with the header
// `table,key,column,value,reason`, one line per rejected row. The chunks of a table copy in
// parallel and share the file (one object per path in the process, its own lock).
//
// Restart safety: a batch's reject lines are appended and fsynced *before* the batch commits on
// the target. A copy that starts (or resumes after kill -9) first drops the lines of its own
// key range beyond its committed checkpoint: those belong to batches that never committed and
// will be read again. So whatever instant the process died, every reject line stands for a
// committed batch or for the batch being copied again, never twice.

#include "engine/valueconvert.h"
#include "util/result.h"

#include <QMutex>
#include <QString>
#include <memory>
#include <vector>

namespace cockpit {

class RejectFile {
public:
    static std::shared_ptr<RejectFile> open(const QString &dir, const QString &table);
    static QString pathFor(const QString &dir, const QString &table);

    QString path() const { return m_path; }

    // Before a copy of keys (afterKey, keyHi] (after = keyLo - 1 for a fresh start; a keyless
    // copy starts over, so every line goes): drops the lines of that range and returns how many
    // lines remain in [keyLo, afterKey], the rejects this chunk already committed.
    Result<qint64> startCopy(bool keyed, qint64 keyLo, qint64 afterKey, qint64 keyHi);
    // Appends and fsyncs; returns the table's reject count after it.
    Result<qint64> append(const std::vector<RejectedValue> &rejects, const QStringList &columnNames);
    // Lines of the table now (read from the file).
    Result<qint64> count();

private:
    explicit RejectFile(QString path, QString table) : m_path(std::move(path)), m_table(std::move(table)) {}
    struct Line {
        qint64 key;
        QByteArray text; // the whole record with its newline
    };
    Result<std::vector<Line>> readLines() const;

    QString m_path;
    QString m_table;
    QMutex m_mutex;
    qint64 m_count = -1; // lines of the file, once known
};

} // namespace cockpit
