#pragma once
// A small SQL tokenizer for script files: enough to find statement ends and table names, not
// to understand SQL. Knows each dialect's quoting and comments (see sqllexer.cpp).

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

// Tokens of `text` (whitespace dropped), lines counted from `firstLine`. An unterminated
// string, quoted identifier, block comment or dollar quote is an error
// "unterminated … starting at line N" with position N.
Result<QVector<SqlToken>> lexSql(const QString &text, EngineKind dialect, int firstLine = 1);

} // namespace cockpit
