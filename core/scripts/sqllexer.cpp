#include "scripts/sqllexer.h"

namespace cockpit {

namespace {

bool isIdentifierChar(QChar c)
{
    return c.isLetterOrNumber() || c == u'_' || c == u'$';
}

class Lexer {
public:
    Lexer(const QString &text, EngineKind dialect, int firstLine)
        : m_text(text), m_dialect(dialect), m_line(firstLine) {}

    Result<QVector<SqlToken>> run()
    {
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
            } else if (c == u'/' && peek(1) == u'*') {
                if (!blockComment())
                    return makeError(unterminated(QStringLiteral("block comment")), {}, m_line);
            } else if (c == u'\'') {
                if (!quoted(u'\'', backslashEscapes(), SqlToken::Kind::String))
                    return makeError(unterminated(QStringLiteral("string")), {}, m_line);
            } else if (c == u'"') {
                // MySQL reads "…" as a string (unless ANSI_QUOTES, which scripts cannot rely on).
                const bool mysql = m_dialect == EngineKind::MySQL;
                if (!quoted(u'"', mysql, mysql ? SqlToken::Kind::String : SqlToken::Kind::QuotedIdentifier))
                    return makeError(unterminated(mysql ? QStringLiteral("string") : QStringLiteral("quoted identifier")),
                                     {}, m_line);
            } else if (c == u'`' && m_dialect != EngineKind::PostgreSQL) {
                if (!quoted(u'`', false, SqlToken::Kind::QuotedIdentifier))
                    return makeError(unterminated(QStringLiteral("quoted identifier")), {}, m_line);
            } else if (c == u'[' && m_dialect == EngineKind::SQLite) {
                if (!bracketed())
                    return makeError(unterminated(QStringLiteral("quoted identifier")), {}, m_line);
            } else if (c == u'$' && m_dialect == EngineKind::PostgreSQL) {
                if (!dollar())
                    return makeError(m_error, {}, m_line);
            } else if (c.isLetterOrNumber() || c == u'_') {
                int end = m_pos + 1;
                while (end < n && isIdentifierChar(m_text[end]))
                    ++end;
                push(c.isDigit() ? SqlToken::Kind::Number : SqlToken::Kind::Word, end);
                m_tokens.back().upper = m_text.mid(m_tokens.back().begin, end - m_tokens.back().begin).toUpper();
            } else {
                push(SqlToken::Kind::Punct, m_pos + 1);
                m_tokens.back().upper = QString(c);
            }
        }
        return m_tokens;
    }

private:
    QChar peek(int ahead) const
    {
        const int at = m_pos + ahead;
        return at < m_text.size() ? m_text[at] : QChar();
    }

    bool startsLineComment() const
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

    // PostgreSQL's E'…' strings take backslash escapes, so do all of MySQL's strings.
    bool backslashEscapes() const
    {
        if (m_dialect == EngineKind::MySQL)
            return true;
        if (m_dialect != EngineKind::PostgreSQL || m_tokens.isEmpty())
            return false;
        const SqlToken &prev = m_tokens.back();
        return prev.kind == SqlToken::Kind::Word && prev.end == m_pos && prev.upper == QLatin1String("E");
    }

    bool blockComment()
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

    // A quote closed by the same character, doubled to escape it (and '\' when allowed).
    bool quoted(QChar quote, bool backslash, SqlToken::Kind kind)
    {
        const int n = int(m_text.size());
        QString value;
        for (int at = m_pos + 1; at < n; ++at) {
            const QChar c = m_text[at];
            if (backslash && c == u'\\' && at + 1 < n) {
                value += m_text[++at];
            } else if (c == quote) {
                if (at + 1 < n && m_text[at + 1] == quote) {
                    value += quote;
                    ++at;
                    continue;
                }
                // E'…': the string starts at the E, which was lexed as a word.
                if (kind == SqlToken::Kind::String && backslash && m_dialect == EngineKind::PostgreSQL) {
                    m_pos = m_tokens.back().begin;
                    m_tokens.removeLast();
                }
                push(kind, at + 1);
                m_tokens.back().upper = value;
                return true;
            } else {
                value += c;
            }
        }
        return false;
    }

    bool bracketed()
    {
        const int close = int(m_text.indexOf(u']', m_pos + 1));
        if (close < 0)
            return false;
        const QString name = m_text.mid(m_pos + 1, close - m_pos - 1);
        push(SqlToken::Kind::QuotedIdentifier, close + 1);
        m_tokens.back().upper = name;
        return true;
    }

    // $tag$…$tag$ (tag empty or an identifier without '$'); anything else starting with '$'
    // ($1 parameters) is punctuation. "a$b" never gets here: '$' continues identifiers.
    bool dollar()
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
            push(SqlToken::Kind::Punct, end);
            m_tokens.back().upper = m_text.mid(m_pos, end - m_pos);
            return true;
        }
        const QString delimiter = m_text.mid(m_pos, at + 1 - m_pos);
        const int close = int(m_text.indexOf(delimiter, at + 1));
        if (close < 0) {
            m_error = unterminated(QStringLiteral("dollar quote ") + delimiter);
            return false;
        }
        push(SqlToken::Kind::String, close + int(delimiter.size()));
        return true;
    }

    QString unterminated(const QString &what) const
    {
        return QStringLiteral("unterminated %1 starting at line %2").arg(what).arg(m_line);
    }

    // Appends a token from m_pos to `end` and moves past it, counting its lines.
    void push(SqlToken::Kind kind, int end)
    {
        SqlToken t;
        t.kind = kind;
        t.begin = m_pos;
        t.end = end;
        t.line = m_line;
        m_tokens.append(t);
        for (int at = m_pos; at < end; ++at) {
            if (m_text[at] == u'\n')
                ++m_line;
        }
        m_pos = end;
    }

    const QString &m_text;
    EngineKind m_dialect;
    int m_line;
    int m_pos = 0;
    QVector<SqlToken> m_tokens;
    QString m_error;
};

} // namespace

Result<QVector<SqlToken>> lexSql(const QString &text, EngineKind dialect, int firstLine)
{
    return Lexer(text, dialect, firstLine).run();
}

} // namespace cockpit
