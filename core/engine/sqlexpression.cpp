#include "engine/sqlexpression.h"
#include "engine/engine.h"
#include "scripts/sqllexer.h"

#include <QRegularExpression>

namespace cockpit {

qsizetype quotedLength(const QString &sql, qsizetype at, QStringView quotes)
{
    const QChar open = sql[at];
    if (!quotes.contains(open))
        return 0;
    // SQLite's dialect knows all four quotes: doubled inside, [...] closed by the first ].
    SqlLexer lexer(sql, EngineKind::SQLite, 1, int(at));
    SqlToken token;
    if (lexer.next(token))
        return token.end - at;
    return sql.size() - at; // unterminated: the rest
}

QString unquoteIdentifier(const QString &quoted)
{
    if (quoted.size() < 2)
        return quoted;
    const QChar open = quoted.front();
    if (open == u'[')
        return quoted.mid(1, quoted.size() - 2);
    if (open != u'"' && open != u'`')
        return quoted;
    QString inner = quoted.mid(1, quoted.size() - 2);
    inner.replace(QString(2, open), QString(open));
    return inner;
}

QString translateExpression(const QString &expression, EngineKind from, const Engine &to,
                            const QVector<ColumnSchema> &columns, Rewrite rewrite)
{
    // Which characters open an identifier or a literal in the source dialect.
    const QString quotes = from == EngineKind::MySQL    ? QStringLiteral("'`")
                           : from == EngineKind::SQLite ? QStringLiteral("'\"`[")
                                                        : QStringLiteral("'\"");
    // A PostgreSQL cast: ::numeric, ::character varying(20), ::text[].
    static const QRegularExpression cast(
        QStringLiteral("::\\s*(\"[^\"]+\"|[A-Za-z_]\\w*(\\s+(varying|precision|with(out)?\\s+time\\s+zone))?)"
                       "(\\s*\\(\\s*\\d+(\\s*,\\s*\\d+)?\\s*\\))?(\\[\\])?"));
    const bool fromPg = from == EngineKind::PostgreSQL && rewrite == Rewrite::Expression;
    QString out;
    qsizetype i = 0;
    while (i < expression.size()) {
        const QChar ch = expression[i];
        if (const qsizetype n = quotedLength(expression, i, quotes); n > 0) {
            const QString token = expression.mid(i, n);
            out += ch == u'\'' ? token : to.quoteIdentifier(unquoteIdentifier(token));
            i += n;
            continue;
        }
        if (fromPg && ch == u':' && expression.mid(i, 2) == QLatin1String("::")) {
            const auto m = cast.match(expression, i, QRegularExpression::NormalMatch,
                                      QRegularExpression::AnchorAtOffsetMatchOption);
            if (m.hasMatch()) {
                i += m.capturedLength();
                continue;
            }
        }
        if (fromPg && ch == u'~') {
            const auto op = [&](const char *pg, const char *portable) {
                const QLatin1String p(pg);
                if (expression.mid(i, p.size()) != p)
                    return false;
                out += QLatin1String(portable);
                i += p.size();
                return true;
            };
            if (op("~~*", "LIKE") || op("~~", "LIKE"))
                continue;
        }
        if (fromPg && ch == u'!' && expression.mid(i, 3) == QLatin1String("!~~")) {
            out += QLatin1String("NOT LIKE");
            i += expression.mid(i, 4) == QLatin1String("!~~*") ? 4 : 3;
            continue;
        }
        if (ch.isLetter() || ch == u'_') {
            SqlLexer lexer(expression, EngineKind::SQLite, 1, int(i)); // a word: letters, digits, '_' and '$'
            SqlToken token;
            const qsizetype end = lexer.next(token) ? token.end : i + 1;
            const QString word = expression.mid(i, end - i);
            QString replaced = word;
            for (const auto &col : columns)
                if (col.name.compare(word, Qt::CaseInsensitive) == 0)
                    replaced = to.quoteIdentifier(col.name);
            out += replaced;
            i = end;
            continue;
        }
        if (ch.isDigit()) { // keeps 1e5 and 0x1F whole
            qsizetype end = i + 1;
            while (end < expression.size() && (expression[end].isLetterOrNumber() || expression[end] == u'.'))
                ++end;
            out += expression.mid(i, end - i);
            i = end;
            continue;
        }
        out += ch;
        ++i;
    }
    return out;
}

} // namespace cockpit
