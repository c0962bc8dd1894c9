// libFuzzer target for parsePlan(): any bytes give a plan or an error that names
// "plan.json:LINE:COLUMN:" and then either the JSON syntax error or the JSON path at fault.
#include "fuzzcheck.h"
#include "plan/jsonlocator.h"
#include "plan/plan.h"

#include <QRegularExpression>

using namespace cockpit;
using namespace cockpit::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const QString path = QStringLiteral("/fuzz/plan.json");
    static const QRegularExpression shape(
        QStringLiteral("^plan\\.json:(\\d+):(\\d+): (not valid JSON: .|\".*\": .)"),
        QRegularExpression::DotMatchesEverythingOption);
    const QByteArray json(reinterpret_cast<const char *>(data), qsizetype(size));
    auto plan = parsePlan(json, path);
    if (!plan) {
        const TaskError &e = plan.error();
        // A lone surrogate from a "\ud800" escape would stop the regex from matching at all.
        const auto m = shape.match(QString::fromUtf8(e.message.toUtf8()));
        require(m.hasMatch(), "error names file, line, column and what", e.message);
        // The offset kept in the error is found (the value at fault, or the syntax error), and
        // the printed line:column is where it points.
        require(e.position >= 0 && e.position <= json.size(), "error offset inside the text", e.message);
        const TextPosition at = textPosition(json, e.position);
        require(m.captured(1).toInt() == at.line && m.captured(2).toInt() == at.column,
                "line:column match the offset", e.message);
        return 0;
    }
    // What the app writes back must load again.
    auto again = parsePlan(plan->toJson(), plan->filePath);
    require(again.ok(), "a parsed plan's toJson() parses", again.ok() ? QString() : again.error().message);
    return 0;
}
