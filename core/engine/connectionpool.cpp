#include "engine/connectionpool.h"

#include <algorithm>
#include <vector>

namespace cockpit::connectionpool {

namespace {

constexpr size_t kKeptPerThread = 4;

// Destroyed when the thread ends (a batch group's pool going away), closing what it kept.
thread_local std::vector<std::unique_ptr<DbConnection>> t_kept;
// Connections dropWhenGivenBack named (a stale entry only costs a connection not kept).
thread_local std::vector<const struct pg_conn *> t_drop;

bool sameServerSession(const DbConnection &c, const ConnectionUrl &url, DbConnection::Mode mode)
{
    return c.mode() == mode && c.url().engine == url.engine && c.url().display() == url.display();
}

} // namespace

Result<std::unique_ptr<DbConnection>> take(const ConnectionUrl &url, DbConnection::Mode mode)
{
    for (auto it = t_kept.begin(); it != t_kept.end(); ++it) {
        if (sameServerSession(**it, url, mode)) {
            std::unique_ptr<DbConnection> c = std::move(*it);
            t_kept.erase(it);
            if (c->isAlive())
                return c;
            break; // closed by the server meanwhile (restart, terminated backend): a new one
        }
    }
    return DbConnection::open(url, mode);
}

void giveBack(std::unique_ptr<DbConnection> c)
{
    if (!c || c->url().engine == EngineKind::SQLite || !c->isIdle())
        return; // closed here
    if (auto it = std::find(t_drop.begin(), t_drop.end(), c->postgres()); c->postgres() && it != t_drop.end()) {
        t_drop.erase(it);
        return; // closed here, libpq's buffers with it
    }
    if (t_kept.size() >= kKeptPerThread)
        t_kept.erase(t_kept.begin()); // the oldest
    t_kept.push_back(std::move(c));
}

void dropWhenGivenBack(const struct pg_conn *conn)
{
    if (std::find(t_drop.begin(), t_drop.end(), conn) == t_drop.end())
        t_drop.push_back(conn);
}

} // namespace cockpit::connectionpool
