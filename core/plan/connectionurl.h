#pragma once
// Connection URLs: sqlite:///abs/path.db, sqlite:relative.db, postgresql://user@host:port/db,
// mysql://user@host:port/db. Passwords never live in a URL (nor in the plan, nor in logs).
// Query parameters: PostgreSQL schema, sslmode, sslrootcert, sslcert, sslkey (libpq's names);
// MariaDB ssl-ca, ssl-cert, ssl-key, ssl-verify-server-cert (its client's option names).
// Any other is refused.

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
    QMap<QString, QString> params; // ?schema=..., TLS files as absolute paths

    // Whether the database is a file on this machine (SQLite, `path`) rather than a server's.
    bool isFile() const { return engine == EngineKind::SQLite; }

    // Parses `text`; relative SQLite paths are resolved against `baseDir`.
    static Result<ConnectionUrl> parse(const QString &text, const QString &baseDir);

    // For titles, logs, error messages and the plan file: never contains a password; keeps
    // every parameter, so that a saved plan connects the same way.
    QString display() const;
    // Short form for the window title: the file name or db@host.
    QString shortName() const;
};

} // namespace cockpit
