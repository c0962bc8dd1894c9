// libFuzzer target for ConnectionUrl::parse(): any text gives a URL or a non-empty error; a
// parsed URL has an absolute SQLite path, or a host, a database and a port in range.
#include "fuzzcheck.h"
#include "plan/connectionurl.h"

#include <QFileInfo>

using namespace cockpit;
using namespace cockpit::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    auto url = ConnectionUrl::parse(text, QStringLiteral("/fuzz/base"));
    if (!url) {
        require(!url.error().message.trimmed().isEmpty(), "error has a message");
        return 0;
    }
    if (url->engine == EngineKind::SQLite) {
        require(QFileInfo(url->path).isAbsolute(), "SQLite path is absolute", url->path);
    } else {
        require(!url->database.isEmpty() && !url->host.isEmpty(), "server URL names host and database",
                url->display());
        require(url->port >= 0 && url->port <= 65535, "port in range", url->display());
    }
    (void)url->display();
    (void)url->shortName();
    return 0;
}
