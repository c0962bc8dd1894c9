#pragma once
// Carries a small SQL expression (a CHECK constraint) from one engine's dialect to another's.
// Deliberately simple: identifiers are re-quoted for the target, string literals are kept as
// written, and PostgreSQL's casts (x::numeric) and LIKE operators (~~) are spelled portably.
// Anything else is passed through; when the target rejects it, its own message says why.

#include "engine/schema.h"
#include "plan/connectionurl.h"

namespace cockpit {

class Engine;

// `expression` as written for `from`, rewritten for `to`: quoted identifiers in `to`'s quotes,
// and bare words that name one of `columns` (case-insensitively) as `to`'s quoted column name.
// Expression (a check): PostgreSQL's casts are dropped and its ~~ operators become LIKE.
// QuotesOnly (a view's query, whose meaning a dropped cast could change): only the quoting.
enum class Rewrite { Expression, QuotesOnly };
QString translateExpression(const QString &expression, EngineKind from, const Engine &to,
                            const QVector<ColumnSchema> &columns, Rewrite rewrite = Rewrite::Expression);

// The length of the quoted identifier or string literal that starts at `sql[at]` (its quote
// character included; the rest of `sql` when it is not closed), or 0 when no quote starts
// there. `quotes` lists the opening characters that count, among ' " ` and [: e.g. "'\"`[".
// Read by the SQL lexer (scripts/sqllexer.h): a quote closes at the same character not
// doubled, [ at the first ].
qsizetype quotedLength(const QString &sql, qsizetype at, QStringView quotes);

// The text of a quoted identifier without its quotes and doubled quotes.
QString unquoteIdentifier(const QString &quoted);

} // namespace cockpit
