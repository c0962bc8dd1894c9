#pragma once
// Server connections of the calling thread, kept open between the tasks the thread runs.
// Opening a PostgreSQL session costs about 10 ms (a backend forked on the server, SCRAM on
// both sides: pgbench -C measured 8-17 ms here) and a run opens one or two per task, hundreds
// in all. A connection goes back only when it is idle (connected, no transaction open, never
// interrupted); anything else is closed. SQLite connections are cheap and are never kept: a
// kept one would stop finalize from taking the target file out of WAL mode.

#include "engine/dbconnection.h"

namespace cockpit::connectionpool {

// A connection to `url` in `mode`: one this thread kept, or a new one.
Result<std::unique_ptr<DbConnection>> take(const ConnectionUrl &url, DbConnection::Mode mode);
// Keeps `c` for this thread's next task when it is idle; closes it otherwise.
void giveBack(std::unique_ptr<DbConnection> c);

// This thread read a message of many megabytes on `conn`: libpq grew its input buffer to hold
// it and never shrinks it, so the connection is closed when given back rather than kept with
// that memory (100 MB for a 100 MB value) while other tasks read their own.
void dropWhenGivenBack(const struct pg_conn *conn);

} // namespace cockpit::connectionpool
