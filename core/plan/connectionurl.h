#pragma once
// Connection URLs: sqlite:///abs/path.db, sqlite:relative.db, postgresql://user@host:port/db,
// mysql://user@host:port/db. Passwords never live in a URL (nor in the plan, nor in logs).

#include "util/result.h"

#include <QMap>
#include <QString>

namespace cockpit {

enum class EngineKind { SQLite, PostgreSQL, MySQL };
QString toString(EngineKind kind);    // the URL scheme: "postgresql"
QString displayName(EngineKind kind); // for messages: "PostgreSQL"

struct ConnectionUrl {
    EngineKind engine = EngineKind::SQLite;
    QString path;      // SQLite: absolute file path
    QString host;
    int port = -1;
    QString user;
    QString database;
    QMap<QString, QString> params; // ?schema=...

    // Parses `text`; relative SQLite paths are resolved against `baseDir`.
    static Result<ConnectionUrl> parse(const QString &text, const QString &baseDir);

    // For titles, logs and error messages: never contains a password.
    QString display() const;
    // Short form for the window title: the file name or db@host.
    QString shortName() const;
};

} // namespace cockpit
