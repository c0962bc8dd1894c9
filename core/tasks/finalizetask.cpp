#include "tasks/taskconnections.h"
#include "tasks/taskkinds.h"
#include "tasks/taskoutcomes.h"

namespace cockpit {

TaskOutcome runFinalize(const TaskContext &ctx)
{
    auto c = connect(ctx, false);
    if (!c)
        return failed(c.error());
    if (auto st = c->engines.target().finishTarget(*c->target); !st)
        return failed(st.error());
    return ended(QStringLiteral("checkpoints removed; target ready"));
}

} // namespace cockpit
