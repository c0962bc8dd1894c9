#pragma once
// The SQL tokenizer of scripts and engines: enough to find statement ends, table names, the
// quotes and words of an expression, not to understand SQL. Knows each dialect's quoting and
// comments (see sqllexer.cpp).

#include "plan/connectionurl.h"
#include "util/result.h"

#include <QString>
#include <QVector>

namespace cockpit {

struct SqlToken {
    enum class Kind {
        Word,             // keyword or bare identifier; `upper` holds it upper-cased
        Number,           // starts with a digit
        String,           // '…', E'…', MySQL "…", PostgreSQL $tag$…$tag$
        QuotedIdentifier, // "…", `…`, […]; `upper` holds the unquoted name (case kept)
        Comment,          // -- …, # … (MySQL), /* … */
        CodeComment,      // MySQL /*! … */ and /*+ … */: executed, so part of a statement
        Punct,            // any other single character, or a $1 parameter
    };
    Kind kind = Kind::Punct;
    int begin = 0; // offsets into the text
    int end = 0;
    int line = 0;  // line of `begin`
    QString upper; // Word: upper-cased text; QuotedIdentifier: unquoted name; Punct: the text

    bool isWord(const char *w) const { return kind == Kind::Word && upper == QLatin1String(w); }
    bool isPunct(char c) const { return kind == Kind::Punct && upper == QChar(QLatin1Char(c)); }
    bool isComment() const { return kind == Kind::Comment; }
};

// The tokens of `text` one at a time (whitespace dropped), from offset `from` on (where a token
// or whitespace starts), lines counted from `firstLine`. `text` must outlive the lexer.
class SqlLexer {
public:
    SqlLexer(const QString &text, EngineKind dialect, int firstLine = 1, int from = 0)
        : m_text(text), m_dialect(dialect), m_line(firstLine), m_pos(from) {}

    // The next token into `token`; false at the end of the text, and at an unterminated
    // string, quoted identifier, block comment or dollar quote: then failed() is true and
    // error() is "unterminated … starting at line N" with position N.
    bool next(SqlToken &token);
    bool failed() const { return !m_error.message.isEmpty(); }
    const TaskError &error() const { return m_error; }

private:
    QChar peek(int ahead) const;
    bool startsLineComment() const;
    bool blockComment();
    bool quoted(int begin, QChar quote, bool backslash, SqlToken::Kind kind);
    bool bracketed();
    bool dollar();
    bool fail(const QString &what);
    void push(SqlToken::Kind kind, int end);

    const QString &m_text;
    EngineKind m_dialect;
    int m_line;
    int m_pos;
    SqlToken *m_token = nullptr; // where push() puts the token next() returns
    TaskError m_error;
};

// All tokens of `text`, as SqlLexer gives them, or its error.
Result<QVector<SqlToken>> lexSql(const QString &text, EngineKind dialect, int firstLine = 1);

} // namespace cockpit
