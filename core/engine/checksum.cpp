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

Result<int> readSingleRow(RowReader &reader, RowBatch &batch)
{
    auto n = reader.next(batch, 1);
    if (!n)
        return n.error();
    RowBatch more;
    auto end = reader.next(more, 1);
    if (!end)
        return end.error();
    return *n + *end;
}

Result<TableChecksum> checksumRowsSettingAside(RowReader &reader, const TableSchema &t, std::atomic<qint64> *rowsHashed,
                                               const std::function<void(const RowBatch &batch, const Value &marker)> &setAside)
{
    TableChecksum sum;
    RowHasher hasher;
    RowBatch batch;
    const int width = int(t.columns.size());
    while (true) {
        auto n = reader.next(batch, 4096);
        if (!n)
            return n.error();
        if (*n == 0)
            break;
        for (int row = 0; row < batch.rows(); ++row) {
            const Value &marker = batch.value(row, width);
            if (marker.type != ValueType::Null) {
                setAside(batch, marker);
                continue;
            }
            for (int col = 0; col < width; ++col)
                hasher.addTyped(batch, batch.value(row, col), t.columns[size_t(col)].type.cls);
            sum.sum += hasher.finishRow();
            ++sum.rows;
        }
        if (rowsHashed)
            *rowsHashed += *n;
    }
    return sum;
}

} // namespace cockpit
