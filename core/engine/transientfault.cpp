#include "engine/transientfault.h"
#include "engine/engine.h"

#include <array>
#include <utility>

namespace cockpit {

namespace {

// A fragment of a client library's or server's message, and what it means.
struct Fragment {
    const char *text;
    const char *meaning;
};

// Case-insensitive substrings; the first that matches gives its meaning.
template <size_t N>
std::optional<QString> firstMatch(const QString &message, const std::array<Fragment, N> &fragments)
{
    for (const Fragment &f : fragments)
        if (message.contains(QLatin1String(f.text), Qt::CaseInsensitive))
            return QString::fromUtf8(f.meaning);
    return std::nullopt;
}

} // namespace

std::optional<QString> transientCause(const QString &message)
{
    // The fence (Engine::checkFence) refused the write: another worker has the task, and an
    // attempt again would only be refused again, whatever else the message quotes.
    if (isTakenOver(message))
        return std::nullopt;
    static constexpr std::array kFragments{
        // PostgreSQL: a fast/immediate shutdown or pg_terminate_backend (57P01), a crash of
        // another backend (57P02), start-up and shutdown (57P03).
        Fragment{"terminating connection due to administrator command", "the server ended the session (restart or terminated backend)"},
        Fragment{"terminating connection due to unexpected postmaster exit", "the server stopped"},
        Fragment{"terminating connection because of crash of another server process", "the server restarted after a crash"},
        Fragment{"the database system is starting up", "the server is starting up"},
        Fragment{"the database system is shutting down", "the server is shutting down"},
        Fragment{"the database system is in recovery mode", "the server is recovering"},
        Fragment{"the database system is not yet accepting connections", "the server is starting up"},
        Fragment{"sorry, too many clients already", "the server has no free connection slot"},
        // libpq: the socket went away under a statement, or no server listens.
        Fragment{"server closed the connection unexpectedly", "the server closed the connection"},
        Fragment{"no connection to the server", "the connection to the server is lost"},
        Fragment{"could not receive data from server", "the connection to the server is lost"},
        Fragment{"could not send data to server", "the connection to the server is lost"},
        Fragment{"connection to server was lost", "the connection to the server is lost"},
        Fragment{"SSL connection has been closed unexpectedly", "the server closed the connection"},
        Fragment{"SSL SYSCALL error", "the connection to the server is lost"},
        Fragment{"Connection refused", "the server refuses connections (not running?)"},
        Fragment{"Connection reset by peer", "the connection to the server was reset"},
        Fragment{"Broken pipe", "the connection to the server is lost"},
        Fragment{"could not connect to server", "the server cannot be reached"},
        // MariaDB / MySQL client and server (2002, 2003, 2006, 2013, 1053, 1927, 1040).
        Fragment{"server has gone away", "the server closed the connection"},
        Fragment{"Lost connection to", "the connection to the server is lost"},
        Fragment{"Can't connect to", "the server cannot be reached"},
        Fragment{"Server shutdown in progress", "the server is shutting down"},
        Fragment{"Connection was killed", "the server ended the session"},
        Fragment{"Too many connections", "the server has no free connection slot"},
        // Deadlock victims: the other transaction went on; this one can simply run again.
        Fragment{"deadlock detected", "deadlock (this session was the victim)"},
        Fragment{"Deadlock found when trying to get lock", "deadlock (this session was the victim)"},
        Fragment{"could not serialize access", "serialization failure"},
    };
    return firstMatch(message, kFragments);
}

std::optional<QString> administratorRemedy(const QString &message)
{
    static constexpr const char *kTimeout =
        "the server's statement time limit cancelled it (PostgreSQL statement_timeout, MariaDB max_statement_time): "
        "lift it for this user (ALTER ROLE … SET statement_timeout = 0; SET GLOBAL max_statement_time = 0), then Rerun";
    static constexpr const char *kInterrupted =
        "the server interrupted it: the server's statement time limit (MariaDB max_statement_time) or a KILL QUERY "
        "from another session; lift the limit, then Rerun";
    static constexpr const char *kLock =
        "another session held a lock this statement needed for longer than the server's lock timeout (PostgreSQL "
        "lock_timeout, MariaDB lock_wait_timeout / innodb_lock_wait_timeout): end that session, then Rerun";
    static constexpr const char *kFull =
        "the target's disk is full: free space there (or give the tablespace more), then Rerun; the batches committed "
        "so far are kept";
    static constexpr const char *kReadOnly =
        "the target accepts no writes (a read-only database or server, a standby, or a read-only file system): make it "
        "writable, then Rerun";
    static constexpr std::array kFragments{
        Fragment{"canceling statement due to statement timeout", kTimeout},
        Fragment{"max_statement_time exceeded", kTimeout},
        Fragment{"Query execution was interrupted", kInterrupted}, // MariaDB 1317: an ALTER under max_statement_time
        Fragment{"canceling statement due to lock timeout", kLock},
        Fragment{"Lock wait timeout exceeded", kLock},
        Fragment{"No space left on device", kFull},
        Fragment{"database or disk is full", kFull},
        Fragment{"' is full", kFull}, // MariaDB 1114: The table 'X' is full
        Fragment{"in a read-only transaction", kReadOnly},
        Fragment{"during recovery", kReadOnly}, // a PostgreSQL standby
        Fragment{"--read-only option", kReadOnly},
        Fragment{"attempt to write a readonly database", kReadOnly},
        Fragment{"Read-only file system", kReadOnly},
    };
    return firstMatch(message, kFragments);
}

} // namespace cockpit
