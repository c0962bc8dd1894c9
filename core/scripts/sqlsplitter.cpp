#include "scripts/sqlsplitter.h"

#include "scripts/sqllexer.h"

// A ';' ends a statement unless it is inside a quote or comment (the lexer's job) or inside a
// compound body:
//   SQLite and MySQL: CREATE … TRIGGER, and MySQL CREATE … PROCEDURE / FUNCTION / EVENT, whose
//     BEGIN … END may nest BEGIN … END and CASE … END (MySQL's END IF / END LOOP / END WHILE /
//     END REPEAT close nothing we count); MariaDB's BEGIN NOT ATOMIC … END block;
//   PostgreSQL: CREATE … FUNCTION / PROCEDURE … BEGIN ATOMIC … END.
// Any other BEGIN (BEGIN; BEGIN TRANSACTION;) starts a transaction, not a body.
// Limits: a column or label named BEGIN, CASE or END inside such a body confuses the count.

namespace cockpit {

namespace {

// Whether a statement's leading words make it one whose BEGIN opens a body.
// `after` is the token after the last of them.
bool opensBodies(const QStringList &leadingWords, const SqlToken *after, EngineKind dialect)
{
    if (dialect == EngineKind::MySQL && leadingWords.size() == 1 && leadingWords[0] == QLatin1String("BEGIN"))
        return after && after->isWord("NOT");
    if (leadingWords[0] != QLatin1String("CREATE"))
        return false;
    for (const QString &w : leadingWords) {
        const bool routine = w == QLatin1String("PROCEDURE") || w == QLatin1String("FUNCTION");
        switch (dialect) {
        case EngineKind::SQLite:
            if (w == QLatin1String("TRIGGER"))
                return true;
            break;
        case EngineKind::MySQL:
            if (routine || w == QLatin1String("TRIGGER") || w == QLatin1String("EVENT"))
                return true;
            break;
        case EngineKind::PostgreSQL:
            if (routine)
                return true;
            break;
        }
    }
    return false;
}

// The next token that is not a comment, or nullptr.
const SqlToken *nextCode(const QVector<SqlToken> &tokens, qsizetype i)
{
    for (qsizetype k = i + 1; k < tokens.size(); ++k) {
        if (!tokens[k].isComment())
            return &tokens[k];
    }
    return nullptr;
}

bool closesNothing(const SqlToken *after)
{
    return after
           && (after->isWord("IF") || after->isWord("LOOP") || after->isWord("WHILE") || after->isWord("REPEAT"));
}

} // namespace

Result<QVector<SqlStatement>> splitSqlStatements(const QString &text, EngineKind dialect, int firstLine)
{
    auto lexed = lexSql(text, dialect, firstLine);
    if (!lexed)
        return lexed.error();
    const QVector<SqlToken> &tokens = *lexed;

    QVector<SqlStatement> statements;
    qsizetype first = -1; // first and last code token of the current statement
    qsizetype last = -1;
    QStringList leadingWords; // up to the first '(' : enough to tell a CREATE TRIGGER
    bool leadingDone = false;
    bool bodies = false;
    int depth = 0;
    const SqlToken *outerOpener = nullptr;

    auto finish = [&] {
        if (first >= 0) {
            const int begin = tokens[first].begin;
            statements.append(SqlStatement{text.mid(begin, tokens[last].end - begin), tokens[first].line});
        }
        first = last = -1;
        leadingWords.clear();
        leadingDone = bodies = false;
    };

    for (qsizetype i = 0; i < tokens.size(); ++i) {
        const SqlToken &t = tokens[i];
        if (t.isComment())
            continue;
        if (t.isPunct(';') && depth == 0) {
            finish();
            continue;
        }
        if (first < 0)
            first = i;
        last = i;
        if (t.isPunct('('))
            leadingDone = true;
        if (t.kind != SqlToken::Kind::Word)
            continue;
        const SqlToken *after = nextCode(tokens, i);
        if (!leadingDone && leadingWords.size() < 8) {
            leadingWords.append(t.upper);
            bodies = bodies || opensBodies(leadingWords, after, dialect);
        }
        if (!bodies)
            continue;
        const bool opens = t.isWord("CASE")
                           || (t.isWord("BEGIN")
                               && (dialect != EngineKind::PostgreSQL || (after && after->isWord("ATOMIC"))));
        if (opens) {
            if (depth++ == 0)
                outerOpener = &t;
        } else if (t.isWord("END") && depth > 0) {
            if (closesNothing(after))
                continue;
            --depth;
            if (after && after->isWord("CASE")) // MySQL's END CASE: that CASE opens nothing
                i = after - tokens.data();
            last = i;
        }
    }
    if (depth > 0) {
        const QString what = outerOpener->isWord("CASE") ? QStringLiteral("CASE ... END")
                                                         : QStringLiteral("BEGIN ... END body");
        return makeError(QStringLiteral("unterminated %1 starting at line %2").arg(what).arg(outerOpener->line), {},
                         outerOpener->line);
    }
    finish();
    return statements;
}

} // namespace cockpit
