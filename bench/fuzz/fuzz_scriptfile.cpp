// libFuzzer target for parseScriptFile(): any text gives a script or an error "fix.sql:LINE: …"
// whose line is inside the file (or "fix.sql: …" for what concerns the whole file).
#include "fuzzcheck.h"
#include "scripts/scriptfile.h"

#include <QRegularExpression>

using namespace cockpit;
using namespace cockpit::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    static const QRegularExpression shape(QStringLiteral("^fix(\\.postgresql)?\\.sql(:(\\d+))?: ."),
                                          QRegularExpression::DotMatchesEverythingOption);
    // The first byte picks the target engine and whether the file name names an engine too.
    const EngineKind target = data[0] % 3 == 0 ? EngineKind::SQLite : data[0] % 3 == 1 ? EngineKind::PostgreSQL
                                                                                       : EngineKind::MySQL;
    const QString path = (data[0] & 0x10) ? QStringLiteral("/fuzz/fix.postgresql.sql") : QStringLiteral("/fuzz/fix.sql");
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data) + 1, qsizetype(size - 1));
    auto script = parseScriptFile(path, text, target);
    if (!script) {
        const TaskError &e = script.error();
        const auto m = shape.match(QString::fromUtf8(e.message.toUtf8())); // lone surrogates: see fuzz_plan
        require(m.hasMatch(), "error names the file (and line)", e.message);
        if (m.hasCaptured(3)) {
            const int line = m.captured(3).toInt();
            require(line == e.position, "printed line is the error's position", e.message);
            require(line >= 1 && line <= text.count(u'\n') + 1, "error line inside the file", e.message);
        }
        return 0;
    }
    for (const SqlStatement &s : script->statements)
        require(!s.sql.trimmed().isEmpty() && s.line >= 1, "statements are non-empty with a line", s.sql);
    return 0;
}
