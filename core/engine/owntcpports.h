#pragma once
// Which TCP connections belong to this process, for servers that name a session only by its
// client address (MariaDB's process list: "127.0.0.1:40984"): the preflight leaves this
// process's own connections out of "other sessions". Linux (/proc); empty elsewhere.

#include <QSet>

namespace cockpit {

// The local ports of this process's TCP connections (IPv4 and IPv6) to port `remotePort`.
QSet<int> ownTcpPortsTo(int remotePort);

} // namespace cockpit
