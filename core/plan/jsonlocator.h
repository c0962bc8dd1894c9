#pragma once
// Finds where a value sits in JSON text, so that semantic errors in a plan (found after
// QJsonDocument parsed it, which keeps no positions) can still name the line and column.

#include <QByteArray>
#include <QVariant>
#include <QVector>

namespace cockpit {

// A path step is either an object key (QString) or an array index (int).
using JsonPath = QVector<QVariant>;

// Byte offset of the value at `path` in valid JSON text, or -1 when not found.
int locateJsonValue(const QByteArray &json, const JsonPath &path);

// 1-based line and column of a byte offset.
struct TextPosition {
    int line = 1;
    int column = 1;
};
TextPosition textPosition(const QByteArray &text, int offset);

} // namespace cockpit
