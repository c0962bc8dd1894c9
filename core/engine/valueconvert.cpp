#include "engine/valueconvert.h"
#include "engine/isotime.h"
#include "engine/valuetext.h"

#include <QByteArray>
#include <algorithm>
#include <cctype>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

namespace cockpit {

using isotime::civilFromDays;
using isotime::datePart;
using isotime::daysFromCivil;
using isotime::digits;
using isotime::timePart;

namespace {

bool isIntegerClass(TypeClass c) { return c == TypeClass::SmallInt || c == TypeClass::Integer || c == TypeClass::BigInt; }
bool isTextClass(TypeClass c) { return c == TypeClass::Char || c == TypeClass::VarChar || c == TypeClass::Text; }
int integerRank(TypeClass c) { return c == TypeClass::SmallInt ? 1 : c == TypeClass::Integer ? 2 : 3; }

void append2(std::string &out, int v)
{
    out += char('0' + v / 10);
    out += char('0' + v % 10);
}

void appendDateTime(std::string &out, int y, int m, int d, int h, int mi, int s, const std::string &fraction)
{
    out += char('0' + y / 1000);
    out += char('0' + y / 100 % 10);
    append2(out, y % 100);
    out += '-';
    append2(out, m);
    out += '-';
    append2(out, d);
    out += ' ';
    append2(out, h);
    out += ':';
    append2(out, mi);
    out += ':';
    append2(out, s);
    if (!fraction.empty())
        out.append(".").append(fraction);
}

// A timestamp with an explicit zone ("Z", "+HH", "+HH:MM", "+HHMM"), as UTC "...+00".
bool parseIsoTimestampTz(const char *p, size_t n, std::string &canonical)
{
    size_t zone = n;
    int offsetMinutes = 0;
    if (n > 0 && (p[n - 1] == 'Z' || p[n - 1] == 'z')) {
        zone = n - 1;
    } else {
        for (size_t i = n; i-- > 11;) {
            if (p[i] != '+' && p[i] != '-')
                continue;
            int oh = 0, om = 0;
            const size_t len = n - i - 1;
            const bool ok = (len == 2 && digits(p, n, i + 1, 2, oh))
                            || (len == 4 && digits(p, n, i + 1, 2, oh) && digits(p, n, i + 3, 2, om))
                            || (len == 5 && digits(p, n, i + 1, 2, oh) && p[i + 3] == ':' && digits(p, n, i + 4, 2, om));
            if (!ok || oh > 15 || om > 59)
                return false;
            offsetMinutes = (oh * 60 + om) * (p[i] == '-' ? -1 : 1);
            zone = i;
            break;
        }
        if (zone == n)
            return false; // no zone: which instant it means is not known
    }
    int y, m, d, h = 0, mi = 0, s = 0;
    std::string fraction;
    if (!datePart(p, zone, y, m, d) || zone < 16 || (p[10] != ' ' && p[10] != 'T')
        || !timePart(p + 11, zone - 11, h, mi, s, fraction))
        return false;
    qint64 minutes = daysFromCivil(y, m, d) * 1440 + h * 60 + mi - offsetMinutes;
    const qint64 days = minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440;
    minutes -= days * 1440;
    civilFromDays(days, y, m, d);
    if (y < 1 || y > 9999)
        return false;
    canonical.clear();
    appendDateTime(canonical, y, m, d, int(minutes / 60), int(minutes % 60), s, fraction);
    canonical += "+00";
    return true;
}

// A plain decimal "[+-]digits[.digits]": its significant integer and fraction digits.
struct Decimal {
    bool negative = false;
    std::string_view whole;    // without leading zeros
    std::string_view fraction; // without trailing zeros
};

bool parseDecimal(const char *p, size_t n, Decimal &out)
{
    size_t i = 0;
    if (i < n && (p[i] == '+' || p[i] == '-'))
        out.negative = p[i++] == '-';
    const size_t wholeStart = i;
    while (i < n && p[i] >= '0' && p[i] <= '9')
        ++i;
    size_t wholeEnd = i, fracStart = i, fracEnd = i;
    if (i < n && p[i] == '.') {
        fracStart = ++i;
        while (i < n && p[i] >= '0' && p[i] <= '9')
            ++i;
        fracEnd = i;
    }
    if (i != n || (wholeEnd == wholeStart && fracEnd == fracStart))
        return false;
    size_t a = wholeStart;
    while (a < wholeEnd && p[a] == '0')
        ++a;
    while (fracEnd > fracStart && p[fracEnd - 1] == '0')
        --fracEnd;
    out.whole = std::string_view(p + a, wholeEnd - a);
    out.fraction = std::string_view(p + fracStart, fracEnd - fracStart);
    return true;
}

bool integerInRange(qint64 v, TypeClass cls)
{
    if (cls == TypeClass::SmallInt)
        return v >= -32768 && v <= 32767;
    if (cls == TypeClass::Integer)
        return v >= std::numeric_limits<qint32>::min() && v <= std::numeric_limits<qint32>::max();
    return true;
}

QString className(TypeClass cls)
{
    switch (cls) {
    case TypeClass::SmallInt: return QStringLiteral("smallint");
    case TypeClass::Integer: return QStringLiteral("integer");
    default: return QStringLiteral("bigint");
    }
}

// A reject's value: text as is, a binary value or text that is not UTF-8 as hex; a long one cut
// after its first kRejectValueBytes bytes, with its size (a 100 MB blob is not a reject line).
constexpr quint32 kRejectValueBytes = 1000;
QString valueText(const RowBatch &batch, const Value &v)
{
    const quint32 n = std::min(v.size, kRejectValueBytes);
    const QString more = v.size > n ? QStringLiteral("... (%1 bytes)").arg(v.size) : QString();
    switch (v.type) {
    case ValueType::Null: return QString();
    case ValueType::Integer: return QString::number(v.integer);
    case ValueType::Real: {
        std::string s;
        appendShortestDouble(s, v.real);
        return QString::fromStdString(s);
    }
    case ValueType::Text:
        if (firstInvalidUtf8(batch.bytes(v), v.size) < 0)
            return QString::fromUtf8(batch.bytes(v), int(n)) + more;
        [[fallthrough]];
    case ValueType::Blob: return QString::fromLatin1(QByteArray(batch.bytes(v), int(n)).toHex()) + more;
    }
    return QString();
}

QString outsideMysqlYearsReason(const QString &target)
{
    return QStringLiteral("outside the years MariaDB's %1 holds (0001 to 9999; no BC, no infinity)").arg(target);
}

bool isNonFiniteText(std::string_view s) { return s == "NaN" || s == "Infinity" || s == "-Infinity"; }

} // namespace

bool parseIsoDate(const char *p, size_t n, std::string &canonical)
{
    int y, m, d;
    if (n != 10 || !datePart(p, n, y, m, d))
        return false;
    canonical.assign(p, n);
    return true;
}

bool parseIsoTimestamp(const char *p, size_t n, std::string &canonical)
{
    int y, m, d, h = 0, mi = 0, s = 0;
    std::string fraction;
    if (!datePart(p, n, y, m, d))
        return false;
    if (n > 10 && (n < 16 || (p[10] != ' ' && p[10] != 'T') || !timePart(p + 11, n - 11, h, mi, s, fraction)))
        return false;
    if (n == 19 && p[10] == ' ') { // "YYYY-MM-DD HH:MM:SS", valid: already canonical
        canonical.assign(p, n);
        return true;
    }
    canonical.clear();
    appendDateTime(canonical, y, m, d, h, mi, s, fraction);
    return true;
}

qint64 firstInvalidUtf8(const char *p, size_t n)
{
    const auto *s = reinterpret_cast<const unsigned char *>(p);
    size_t i = 0;
    while (i < n) {
        // ASCII eight bytes at a time: most text is.
        if (i + 8 <= n) {
            quint64 w;
            std::memcpy(&w, s + i, 8);
            if ((w & 0x8080808080808080ULL) == 0) {
                i += 8;
                continue;
            }
        }
        const unsigned c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        size_t len;
        unsigned lo = 0x80, hi = 0xBF; // the range of the second byte
        if (c >= 0xC2 && c <= 0xDF)
            len = 2;
        else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            if (c == 0xE0)
                lo = 0xA0; // overlong
            if (c == 0xED)
                hi = 0x9F; // surrogates
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            if (c == 0xF0)
                lo = 0x90; // overlong
            if (c == 0xF4)
                hi = 0x8F; // past U+10FFFF
        } else
            return qint64(i);
        if (i + len > n || s[i + 1] < lo || s[i + 1] > hi)
            return qint64(i);
        for (size_t k = 2; k < len; ++k)
            if ((s[i + k] & 0xC0) != 0x80)
                return qint64(i);
        i += len;
    }
    return -1;
}

bool needsConversion(const ColumnType &from, const ColumnType &to, EngineKind sourceEngine, EngineKind targetEngine)
{
    if (to.cls == TypeClass::Unknown)
        return false;
    // Values the target refuses though the class is the same: each is checked, and kept
    // exactly or rejected with its reason, never left to fail the batch (README "Edge values").
    const bool toMysql = targetEngine == EngineKind::MySQL;
    switch (to.cls) {
    case TypeClass::Float32:
    case TypeClass::Float64:
        // MariaDB has no NaN or infinity; SQLite stores NaN as NULL (so a SQLite source has none).
        if (toMysql || (targetEngine == EngineKind::SQLite && sourceEngine != EngineKind::SQLite))
            return true;
        break;
    case TypeClass::Char:
    case TypeClass::VarChar:
    case TypeClass::Text:
    case TypeClass::Json:
        // SQLite text may hold any bytes; PostgreSQL and MariaDB take valid UTF-8 only.
        if (sourceEngine == EngineKind::SQLite && targetEngine != EngineKind::SQLite)
            return true;
        if (toMysql && to.length <= 0) // a long value against max_allowed_packet
            return true;
        break;
    case TypeClass::Blob:
        if (toMysql)
            return true;
        break;
    case TypeClass::Date:
    case TypeClass::Timestamp:
    case TypeClass::TimestampTz:
    case TypeClass::Numeric:
        // PostgreSQL has BC years, years past 9999 and infinity, and a numeric NaN; MariaDB none.
        if (toMysql && sourceEngine == EngineKind::PostgreSQL)
            return true;
        break;
    default: break;
    }
    if (from.cls == to.cls) {
        switch (to.cls) {
        case TypeClass::Numeric: // a narrower decimal
            return to.precision > 0
                   && (from.precision <= 0 || from.scale > to.scale
                       || from.precision - from.scale > to.precision - to.scale);
        case TypeClass::Char:
        case TypeClass::VarChar: return to.length > 0 && (from.length <= 0 || from.length > to.length);
        case TypeClass::Date:
        case TypeClass::Time:
        case TypeClass::Timestamp:
        case TypeClass::TimestampTz:
            // SQLite keeps dates as free text: check and normalize them for a stricter target.
            return sourceEngine == EngineKind::SQLite && targetEngine != EngineKind::SQLite;
        default: return false;
        }
    }
    // Widenings that keep every value as it is.
    if (isIntegerClass(from.cls) && isIntegerClass(to.cls))
        return integerRank(from.cls) > integerRank(to.cls);
    if (isTextClass(from.cls) && to.cls == TypeClass::Text)
        return false;
    if (from.cls == TypeClass::Float32 && to.cls == TypeClass::Float64)
        return false;
    return true;
}

ValueConverter::ValueConverter(const TableSchema &source, const TableSchema &target, EngineKind sourceEngine,
                               EngineKind targetEngine)
    : m_sourceEngine(sourceEngine), m_targetEngine(targetEngine), m_table(source.name)
{
    for (int i = 0; i < source.columns.size() && i < target.columns.size(); ++i) {
        m_names << source.columns[i].name;
        ColumnType to = target.columns[i].type;
        if (targetEngine == EngineKind::MySQL && to.cls == TypeClass::Numeric && to.nativeEngine != EngineKind::MySQL) {
            // The decimal MariaDB creates (mysqlColumnType): at most 65 digits, 30 places.
            const bool unconstrained = to.precision <= 0;
            to.precision = unconstrained ? 65 : std::min(to.precision, 65);
            to.scale = unconstrained ? 30 : std::clamp(to.scale, 0, 30);
            to.native = QStringLiteral("decimal(%1,%2)").arg(to.precision).arg(to.scale);
            to.nativeEngine = EngineKind::MySQL;
        }
        const bool converts = needsConversion(source.columns[i].type, to, sourceEngine, targetEngine);
        const bool rejectsNull = target.columns[i].notNull && !source.columns[i].notNull;
        if (converts || rejectsNull)
            m_columns.push_back(Column{i, source.columns[i].type, to, converts, rejectsNull});
    }
}

QStringList ValueConverter::describe() const
{
    QStringList out;
    for (const auto &c : m_columns) {
        const QString from = describeType(c.from), to = describeType(c.to);
        // A column only checked for values the target cannot hold (needsConversion), or for NULLs.
        out << (c.rejectsNull && !c.converts ? QStringLiteral("%1: %2 (NOT NULL checked)").arg(m_names[c.index], from)
                : from == to                 ? QStringLiteral("%1: %2 (checked)").arg(m_names[c.index], from)
                                             : QStringLiteral("%1: %2 -> %3").arg(m_names[c.index], from, to));
    }
    return out;
}

void ValueConverter::convert(RowBatch &batch, bool keyed, qint64 firstRowNumber, std::vector<RejectedValue> &rejected)
{
    if (m_columns.empty())
        return;
    m_removed.clear();
    QString reason;
    for (int row = 0; row < batch.rows(); ++row) {
        for (const auto &c : m_columns) {
            const Value original = batch.value(row, c.index);
            if (original.type == ValueType::Null && c.rejectsNull)
                reason = QStringLiteral("NULL in \"%1\", which is NOT NULL on the target (a primary key column: SQLite "
                                        "allows NULLs in a key that is not the rowid; the plan's nullKeys is \"reject\")")
                             .arg(m_names[c.index]);
            else if (original.type == ValueType::Null || !c.converts || convertValue(batch, row, c, reason))
                continue;
            rejected.push_back(RejectedValue{keyed ? batch.key(row) : firstRowNumber + row, c.index,
                                             valueText(batch, original), reason});
            m_removed.push_back(row);
            break;
        }
        if (m_maxRowBytes > 0 && (m_removed.empty() || m_removed.back() != row)) {
            RejectedValue reject;
            if (!rowFits(batch, row, reject)) {
                reject.key = keyed ? batch.key(row) : firstRowNumber + row;
                rejected.push_back(std::move(reject));
                m_removed.push_back(row);
            }
        }
    }
    batch.removeRows(m_removed);
}

bool ValueConverter::rowFits(const RowBatch &batch, int row, RejectedValue &reject) const
{
    qint64 bytes = 0;
    int largest = 0;
    for (int col = 0; col < batch.columns(); ++col) {
        const Value &v = batch.value(row, col);
        // As MysqlWriter writes them: hex or quoted (at most twice the bytes), a number in 24.
        bytes += v.type == ValueType::Text || v.type == ValueType::Blob ? 2 * qint64(v.size) + 3 : 24;
        if (v.size > batch.value(row, largest).size)
            largest = col;
    }
    if (bytes <= m_maxRowBytes)
        return true;
    const Value &v = batch.value(row, largest);
    reject.column = largest;
    reject.value = valueText(batch, v);
    reject.reason = QStringLiteral("a %1-byte value: its row needs a %2-byte INSERT, and MariaDB's max_allowed_packet "
                                   "takes %3 (raise it on the server, up to 1 GB)")
                        .arg(v.size)
                        .arg(bytes)
                        .arg(m_maxRowBytes + 64 * 1024);
    return false;
}

bool ValueConverter::convertValue(RowBatch &batch, int row, const Column &c, QString &reason)
{
    const Value v = batch.value(row, c.index);
    const TypeClass to = c.to.cls;
    auto target = [&c] { return describeType(c.to); }; // for messages only: not per value
    const char *p = v.type == ValueType::Text || v.type == ValueType::Blob ? batch.bytes(v) : nullptr;
    const size_t n = v.size;
    auto fail = [&](const QString &why) {
        reason = why;
        return false;
    };
    // A PostgreSQL date or timestamp is valid; what MariaDB cannot take is its year.
    auto outsideMysqlYears = [this] { return m_sourceEngine == EngineKind::PostgreSQL && m_targetEngine == EngineKind::MySQL; };
    auto setText = [&](const std::string &s) { batch.setBytes(row, c.index, ValueType::Text, s.data(), int(s.size())); };

    if (v.type == ValueType::Blob && to != TypeClass::Blob && to != TypeClass::Uuid)
        return fail(QStringLiteral("a binary value has no %1 form").arg(target()));

    switch (to) {
    case TypeClass::Boolean:
        if (v.type == ValueType::Integer || v.type == ValueType::Real) {
            const double x = v.type == ValueType::Integer ? double(v.integer) : v.real;
            if (x != 0 && x != 1)
                return fail(QStringLiteral("not a boolean (0 or 1)"));
            batch.setInteger(row, c.index, x == 1 ? 1 : 0);
            return true;
        } else {
            const QString t = QString::fromUtf8(p, int(n)).toLower();
            static const QStringList yes{QStringLiteral("true"), QStringLiteral("t"), QStringLiteral("yes"),
                                         QStringLiteral("y"), QStringLiteral("on"), QStringLiteral("1")};
            static const QStringList no{QStringLiteral("false"), QStringLiteral("f"), QStringLiteral("no"),
                                        QStringLiteral("n"), QStringLiteral("off"), QStringLiteral("0")};
            if (!yes.contains(t) && !no.contains(t))
                return fail(QStringLiteral("not a boolean (true/false, yes/no, 1/0)"));
            batch.setInteger(row, c.index, yes.contains(t) ? 1 : 0);
            return true;
        }
    case TypeClass::SmallInt:
    case TypeClass::Integer:
    case TypeClass::BigInt: {
        qint64 x = 0;
        if (v.type == ValueType::Integer) {
            x = v.integer;
        } else if (v.type == ValueType::Real) {
            // 2^63 itself is the first double beyond qint64.
            if (!(v.real >= -9223372036854775808.0 && v.real < 9223372036854775808.0) || v.real != std::trunc(v.real))
                return fail(QStringLiteral("not a whole number"));
            x = qint64(v.real);
        } else {
            Decimal d;
            if (!parseDecimal(p, n, d))
                return fail(QStringLiteral("not a number"));
            if (!d.fraction.empty())
                return fail(QStringLiteral("not a whole number"));
            std::string s = d.negative ? "-" : "";
            s.append(d.whole.empty() ? std::string_view("0") : d.whole);
            if (std::from_chars(s.data(), s.data() + s.size(), x).ec != std::errc())
                return fail(QStringLiteral("out of range for %1").arg(className(to)));
        }
        if (!integerInRange(x, to))
            return fail(QStringLiteral("out of range for %1").arg(className(to)));
        batch.setInteger(row, c.index, x);
        return true;
    }
    case TypeClass::Float32:
    case TypeClass::Float64: {
        double x = 0;
        if (v.type == ValueType::Real) {
            x = v.real;
        } else if (v.type == ValueType::Integer) {
            x = double(v.integer);
            if (x >= 9223372036854775808.0 || qint64(x) != v.integer)
                return fail(QStringLiteral("%1 has no exact double value").arg(v.integer));
        } else {
            const auto r = std::from_chars(p, p + n, x);
            if (n == 0 || r.ec != std::errc() || r.ptr != p + n)
                return fail(QStringLiteral("not a number"));
        }
        if (to == TypeClass::Float32 && std::isfinite(x) && std::fabs(x) > FLT_MAX)
            return fail(QStringLiteral("out of range for real"));
        if (m_targetEngine == EngineKind::MySQL && !std::isfinite(x))
            return fail(QStringLiteral("not a finite number; MariaDB's double holds no NaN or infinity"));
        if (m_targetEngine == EngineKind::SQLite && std::isnan(x))
            return fail(QStringLiteral("NaN; SQLite would store it as NULL"));
        batch.setReal(row, c.index, x);
        return true;
    }
    case TypeClass::Numeric: {
        m_text.clear();
        if (v.type == ValueType::Integer)
            appendInteger(m_text, v.integer);
        else if (v.type == ValueType::Real) {
            if (!std::isfinite(v.real))
                return fail(QStringLiteral("not a finite number"));
            appendShortestDouble(m_text, v.real);
        } else
            m_text.assign(p, n);
        if (isNonFiniteText(m_text))
            return fail(QStringLiteral("not a finite number; %1 holds no NaN or infinity").arg(target()));
        Decimal d;
        if (!parseDecimal(m_text.data(), m_text.size(), d))
            return fail(QStringLiteral("not a plain decimal number"));
        if (c.to.precision > 0) {
            const int scale = std::max(0, c.to.scale);
            if (int(d.fraction.size()) > scale)
                return fail(QStringLiteral("has %1 decimal places; %2 keeps %3").arg(d.fraction.size()).arg(target()).arg(scale));
            if (int(d.whole.size()) > c.to.precision - scale)
                return fail(QStringLiteral("has %1 digits before the point; %2 allows %3")
                                .arg(d.whole.size())
                                .arg(target())
                                .arg(c.to.precision - scale));
        }
        setText(canonicalDecimal(m_text.data(), m_text.size()));
        return true;
    }
    case TypeClass::Char:
    case TypeClass::VarChar:
    case TypeClass::Text:
    case TypeClass::Json:
        if (v.type == ValueType::Integer || v.type == ValueType::Real) {
            m_text.clear();
            appendNumberText(m_text, v);
            setText(m_text);
        } else if (m_sourceEngine == EngineKind::SQLite && m_targetEngine != EngineKind::SQLite) {
            if (const qint64 bad = firstInvalidUtf8(p, n); bad >= 0)
                return fail(QStringLiteral("not valid UTF-8 (byte 0x%1 at offset %2); %3 text takes UTF-8 only")
                                .arg(quint8(p[bad]), 2, 16, QLatin1Char('0'))
                                .arg(bad)
                                .arg(m_targetEngine == EngineKind::PostgreSQL ? QStringLiteral("PostgreSQL") : QStringLiteral("MariaDB")));
            if (m_targetEngine == EngineKind::PostgreSQL && std::memchr(p, 0, n))
                return fail(QStringLiteral("holds a NUL byte (0x00), which PostgreSQL text cannot"));
        }
        if (to != TypeClass::Json && c.to.length > 0) {
            const Value now = batch.value(row, c.index);
            const char *q = batch.bytes(now);
            qint64 chars = 0;
            for (quint32 i = 0; i < now.size; ++i)
                chars += (quint8(q[i]) & 0xC0) != 0x80;
            if (chars > c.to.length)
                return fail(QStringLiteral("%1 characters; %2 allows %3").arg(chars).arg(target()).arg(c.to.length));
        }
        return true;
    case TypeClass::Blob:
        if (v.type == ValueType::Text) {
            m_text.assign(p, n); // p points into the arena that setBytes may move
            batch.setBytes(row, c.index, ValueType::Blob, m_text.data(), int(n));
        }
        else if (v.type != ValueType::Blob)
            return fail(QStringLiteral("a number has no binary form"));
        return true;
    case TypeClass::Date:
        if (v.type != ValueType::Text || !parseIsoDate(p, n, m_text))
            return fail(outsideMysqlYears() ? outsideMysqlYearsReason(target()) : QStringLiteral("not an ISO date (YYYY-MM-DD)"));
        return true;
    case TypeClass::Timestamp:
        if (v.type != ValueType::Text || !parseIsoTimestamp(p, n, m_text))
            return fail(outsideMysqlYears() ? outsideMysqlYearsReason(target())
                                            : QStringLiteral("not an ISO timestamp (YYYY-MM-DD HH:MM:SS[.ffffff])"));
        if (m_text.size() != n || std::memcmp(m_text.data(), p, n) != 0)
            setText(m_text); // else the value stays where it is in the batch
        return true;
    case TypeClass::TimestampTz:
        if (v.type != ValueType::Text || !parseIsoTimestampTz(p, n, m_text))
            return fail(outsideMysqlYears() ? outsideMysqlYearsReason(target())
                                            : QStringLiteral("not an ISO timestamp with a zone (YYYY-MM-DD HH:MM:SS+HH:MM)"));
        setText(m_text);
        return true;
    case TypeClass::Time: {
        int h, mi, s;
        std::string fraction;
        if (v.type != ValueType::Text || !timePart(p, n, h, mi, s, fraction))
            return fail(QStringLiteral("not an ISO time (HH:MM:SS[.ffffff])"));
        m_text.clear();
        append2(m_text, h);
        m_text += ':';
        append2(m_text, mi);
        m_text += ':';
        append2(m_text, s);
        if (!fraction.empty())
            m_text.append(".").append(fraction);
        setText(m_text);
        return true;
    }
    case TypeClass::Uuid: {
        static const char hex[] = "0123456789abcdef";
        m_text.clear();
        if (v.type == ValueType::Blob && n == 16) {
            for (size_t i = 0; i < 16; ++i) {
                if (i == 4 || i == 6 || i == 8 || i == 10)
                    m_text += '-';
                m_text += hex[quint8(p[i]) >> 4];
                m_text += hex[quint8(p[i]) & 15];
            }
        } else if (v.type == ValueType::Text && n == 36) {
            for (size_t i = 0; i < 36; ++i) {
                const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
                const char ch = char(std::tolower(quint8(p[i])));
                if (dash ? ch != '-' : !std::isxdigit(quint8(ch)))
                    return fail(QStringLiteral("not a UUID"));
                m_text += ch;
            }
        } else {
            return fail(QStringLiteral("not a UUID"));
        }
        setText(m_text);
        return true;
    }
    case TypeClass::Unknown: return true;
    }
    return true;
}

} // namespace cockpit
