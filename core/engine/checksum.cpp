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
        sum.sum += hasher.sumRows(batch, t);
        sum.rows += *n;
        if (rowsHashed)
            *rowsHashed += *n;
    }
    return sum;
}

} // namespace cockpit
