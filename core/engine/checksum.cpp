#include "engine/engine.h"
#include "engine/rowhasher.h"

namespace cockpit {

Result<TableChecksum> checksumRows(RowReader &reader, const TableSchema &t, std::atomic<qint64> *rowsHashed)
{
    TableChecksum sum;
    RowHasher hasher;
    RowBatch batch;
    while (true) {
        auto n = reader.next(batch, 4096);
        if (!n)
            return n.error();
        if (*n == 0)
            break;
        for (int row = 0; row < batch.rows(); ++row) {
            for (int col = 0; col < batch.columns(); ++col)
                hasher.addTyped(batch, batch.value(row, col), t.columns[col].type.cls);
            sum.sum += hasher.finishRow();
        }
        sum.rows += *n;
        if (rowsHashed)
            *rowsHashed += *n;
    }
    return sum;
}

} // namespace cockpit
