#include "scripts/sqllexer.h"

namespace cockpit {

namespace {

bool isIdentifierChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_' || c == u'$';
}

QString unterminated(const QString &what, int line)
{
    return QStringLiteral("unterminated %1 starting at line %2").arg(what).arg(line);
}

} // namespace

bool SqlLexer::next(SqlToken &token)
{
    if (failed())
        return false;
    m_token = &token;
    const int n = int(m_text.size());
    while (m_pos < n) {
        const QChar c = m_text[m_pos];
        if (c == u'\n') {
            ++m_line;
            ++m_pos;
        } else if (c.isSpace()) {
            ++m_pos;
        } else if (startsLineComment()) {
            const int eol = int(m_text.indexOf(u'\n', m_pos));
            push(SqlToken::Kind::Comment, eol < 0 ? n : eol);
            return true;
        } else if (c == u'/' && peek(1) == u'*') {
            return blockComment() || fail(QStringLiteral("block comment"));
        } else if (c == u'\'') {
            // MySQL's strings take backslash escapes (PostgreSQL's E'…': see the words below).
            return quoted(m_pos, u'\'', m_dialect == EngineKind::MySQL, SqlToken::Kind::String)
                   || fail(QStringLiteral("string"));
        } else if (c == u'"') {
            // MySQL reads "…" as a string (unless ANSI_QUOTES, which scripts cannot rely on).
            const bool mysql = m_dialect == EngineKind::MySQL;
            return quoted(m_pos, u'"', mysql, mysql ? SqlToken::Kind::String : SqlToken::Kind::QuotedIdentifier)
                   || fail(mysql ? QStringLiteral("string") : QStringLiteral("quoted identifier"));
        } else if (c == u'`' && m_dialect != EngineKind::PostgreSQL) {
            return quoted(m_pos, u'`', false, SqlToken::Kind::QuotedIdentifier) || fail(QStringLiteral("quoted identifier"));
        } else if (c == u'[' && m_dialect == EngineKind::SQLite) {
            return bracketed() || fail(QStringLiteral("quoted identifier"));
        } else if (c == u'$' && m_dialect == EngineKind::PostgreSQL) {
            return dollar();
        } else if (c.isLetterOrNumber() || c == u'_') {
            int end = m_pos + 1;
            while (end < n && isIdentifierChar(m_text[end]))
                ++end;
            // PostgreSQL's E'…' strings take backslash escapes: the string starts at the E.
            if (m_dialect == EngineKind::PostgreSQL && end == m_pos + 1 && (c == u'E' || c == u'e') && end < n
                && m_text[end] == u'\'')
                return quoted(m_pos, u'\'', true, SqlToken::Kind::String) || fail(QStringLiteral("string"));
            const int begin = m_pos;
            push(c.isDigit() ? SqlToken::Kind::Number : SqlToken::Kind::Word, end);
            token.upper = m_text.mid(begin, end - begin).toUpper();
            return true;
        } else {
            push(SqlToken::Kind::Punct, m_pos + 1);
            token.upper = QString(c);
            return true;
        }
    }
    return false;
}

QChar SqlLexer::peek(int ahead) const
{
    const int at = m_pos + ahead;
    return at < m_text.size() ? m_text[at] : QChar();
}

bool SqlLexer::startsLineComment() const
{
    const QChar c = m_text[m_pos];
    if (m_dialect == EngineKind::MySQL) {
        // MySQL needs "-- " (a space or control character after the dashes): 1--1 is arithmetic.
        if (c == u'#')
            return true;
        const QChar after = peek(2);
        return c == u'-' && peek(1) == u'-' && (after.isNull() || after.isSpace() || after.unicode() < 0x20);
    }
    return c == u'-' && peek(1) == u'-';
}

bool SqlLexer::blockComment()
{
    const bool code = m_dialect == EngineKind::MySQL && (peek(2) == u'!' || peek(2) == u'+');
    const bool nests = m_dialect == EngineKind::PostgreSQL; // PostgreSQL nests /* /* */ */
    int depth = 0;
    int at = m_pos;
    const int n = int(m_text.size());
    while (at < n) {
        if (m_text[at] == u'/' && at + 1 < n && m_text[at + 1] == u'*' && (depth == 0 || nests)) {
            ++depth;
            at += 2;
        } else if (m_text[at] == u'*' && at + 1 < n && m_text[at + 1] == u'/') {
            at += 2;
            if (--depth == 0) {
                push(code ? SqlToken::Kind::CodeComment : SqlToken::Kind::Comment, at);
                return true;
            }
        } else {
            ++at;
        }
    }
    return false;
}

// A quote at `begin` (or, for E'…', just after it) closed by the same character, doubled to
// escape it (and '\' when allowed).
bool SqlLexer::quoted(int begin, QChar quote, bool backslash, SqlToken::Kind kind)
{
    const int n = int(m_text.size());
    const int open = m_text[begin] == quote ? begin : begin + 1;
    QString value;
    for (int at = open + 1; at < n; ++at) {
        const QChar c = m_text[at];
        if (backslash && c == u'\\' && at + 1 < n) {
            value += m_text[++at];
        } else if (c == quote) {
            if (at + 1 < n && m_text[at + 1] == quote) {
                value += quote;
                ++at;
                continue;
            }
            push(kind, at + 1);
            m_token->upper = value;
            return true;
        } else {
            value += c;
        }
    }
    return false;
}

bool SqlLexer::bracketed()
{
    const int close = int(m_text.indexOf(u']', m_pos + 1));
    if (close < 0)
        return false;
    const QString name = m_text.mid(m_pos + 1, close - m_pos - 1);
    push(SqlToken::Kind::QuotedIdentifier, close + 1);
    m_token->upper = name;
    return true;
}

// $tag$…$tag$ (tag empty or an identifier without '$'); anything else starting with '$'
// ($1 parameters) is punctuation. "a$b" never gets here: '$' continues identifiers.
bool SqlLexer::dollar()
{
    const int n = int(m_text.size());
    int at = m_pos + 1;
    if (at < n && (m_text[at].isLetter() || m_text[at] == u'_')) {
        while (at < n && (m_text[at].isLetterOrNumber() || m_text[at] == u'_'))
            ++at;
    }
    if (at >= n || m_text[at] != u'$') {
        int end = m_pos + 1;
        while (end < n && m_text[end].isDigit())
            ++end;
        const int begin = m_pos;
        push(SqlToken::Kind::Punct, end);
        m_token->upper = m_text.mid(begin, end - begin);
        return true;
    }
    const QString delimiter = m_text.mid(m_pos, at + 1 - m_pos);
    const int close = int(m_text.indexOf(delimiter, at + 1));
    if (close < 0)
        return fail(QStringLiteral("dollar quote ") + delimiter);
    push(SqlToken::Kind::String, close + int(delimiter.size()));
    return true;
}

// Records the error of what is left open at m_pos; false.
bool SqlLexer::fail(const QString &what)
{
    m_error = makeError(unterminated(what, m_line), {}, m_line);
    return false;
}

// Makes the token from m_pos to `end` and moves past it, counting its lines.
void SqlLexer::push(SqlToken::Kind kind, int end)
{
    SqlToken &t = *m_token;
    t = SqlToken();
    t.kind = kind;
    t.begin = m_pos;
    t.end = end;
    t.line = m_line;
    for (int at = m_pos; at < end; ++at) {
        if (m_text[at] == u'\n')
            ++m_line;
    }
    m_pos = end;
}

Result<QVector<SqlToken>> lexSql(const QString &text, EngineKind dialect, int firstLine)
{
    SqlLexer lexer(text, dialect, firstLine);
    QVector<SqlToken> tokens;
    SqlToken token;
    while (lexer.next(token))
        tokens.append(token);
    if (lexer.failed())
        return lexer.error();
    return tokens;
}

} // namespace cockpit
