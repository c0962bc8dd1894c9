#pragma once
// A PostgreSQL or MariaDB server of a test's own, started by scripts/test-servers.sh in a
// temporary folder, so that the test can stop and restart it under a run without disturbing
// the tests that share the suite's servers. Stopped and removed at destruction.

#include <QProcess>
#include <QString>
#include <QTemporaryDir>

namespace cockpit::test {

class OwnServer {
public:
    enum Kind { Postgres, MariaDb };
    explicit OwnServer(Kind kind); // also sets PGPASSWORD or MYSQL_PWD for the processes it starts
    ~OwnServer();
    OwnServer(const OwnServer &) = delete;
    OwnServer &operator=(const OwnServer &) = delete;

    QString error() const { return m_error; } // why it did not start; "" once it runs
    QString url() const { return m_url; }     // postgresql://cockpit@127.0.0.1:PORT/cockpit_test, or mysql://...

    bool down(); // a fast shutdown: every session is cut off
    bool up();   // started again on the same data and port

    // The first column of the first row of `sql`, through the server's own command-line
    // client (not the code under test); "error: ..." when it fails.
    QString value(const QString &sql) const;

    // The same as the server's superuser (postgres / root, through the unix socket), in the
    // test database: what an administrator does to the server under a run.
    QString admin(const QString &sql) const;
    // `sql` in a superuser session of its own, left running (a session that holds a lock or
    // sleeps); the caller waits for or kills the process.
    void startAdminSession(QProcess &p, const QString &sql) const;

private:
    QString client(const QString &sql, bool superuser, QStringList *argsOut = nullptr) const;
    QProcessEnvironment clientEnvironment(bool superuser) const;
    bool script(const QStringList &args, QString *output = nullptr) const;
    Kind m_kind;
    QTemporaryDir m_dir{QStringLiteral("/tmp/cockpit-own.XXXXXX")};
    QString m_url, m_error, m_password;
    bool m_started = false;
};

} // namespace cockpit::test
