// The one SQL tokenizer (scripts and engines): each dialect's quotes and comments, lines, the
// position of what is left open, token at a time; and what the two tokenizers it replaced found.
#include "scripts/sqllexer.h"
#include "engine/sqlexpression.h"

#include <gtest/gtest.h>

using namespace cockpit;

namespace {

QStringList kinds(const QVector<SqlToken> &tokens)
{
    QStringList out;
    for (const SqlToken &t : tokens) {
        switch (t.kind) {
        case SqlToken::Kind::Word: out << QStringLiteral("W:") + t.upper; break;
        case SqlToken::Kind::Number: out << QStringLiteral("N"); break;
        case SqlToken::Kind::String: out << QStringLiteral("S"); break;
        case SqlToken::Kind::QuotedIdentifier: out << QStringLiteral("Q:") + t.upper; break;
        case SqlToken::Kind::Comment: out << QStringLiteral("C"); break;
        case SqlToken::Kind::CodeComment: out << QStringLiteral("X"); break;
        case SqlToken::Kind::Punct: out << QStringLiteral("P:") + t.upper; break;
        }
    }
    return out;
}

} // namespace

TEST(SqlLexer, PostgresQuotesDollarStringsAndComments)
{
    const QString sql = QStringLiteral("update \"My \"\"T\"\" \" set a = 'it''s; not' -- end; here\n"
                                       "/* block ; */ where b = $f$ a ; b $f$ and c = E'x\\'y';");
    auto t = lexSql(sql, EngineKind::PostgreSQL);
    ASSERT_TRUE(t.ok()) << qPrintable(t.error().message);
    EXPECT_EQ(kinds(*t), (QStringList{QStringLiteral("W:UPDATE"), QStringLiteral("Q:My \"T\" "), QStringLiteral("W:SET"),
                                      QStringLiteral("W:A"), QStringLiteral("P:="), QStringLiteral("S"), QStringLiteral("C"),
                                      QStringLiteral("C"), QStringLiteral("W:WHERE"), QStringLiteral("W:B"), QStringLiteral("P:="),
                                      QStringLiteral("S"), QStringLiteral("W:AND"), QStringLiteral("W:C"), QStringLiteral("P:="),
                                      QStringLiteral("S"), QStringLiteral("P:;")}));
    EXPECT_EQ(t->first().line, 1);
    EXPECT_EQ(t->at(7).line, 2); // the block comment starts the second line
    EXPECT_EQ(sql.mid(t->at(5).begin, t->at(5).end - t->at(5).begin), QStringLiteral("'it''s; not'"));
}

TEST(SqlLexer, MariaDbBackticksHashCommentsAndExecutedComments)
{
    auto t = lexSql(QStringLiteral("select `a``b`, \"text\" # comment ;\n/*!40101 SET x = 1 */ from t;"), EngineKind::MySQL);
    ASSERT_TRUE(t.ok()) << qPrintable(t.error().message);
    EXPECT_EQ(kinds(*t), (QStringList{QStringLiteral("W:SELECT"), QStringLiteral("Q:a`b"), QStringLiteral("P:,"), QStringLiteral("S"),
                                      QStringLiteral("C"), QStringLiteral("X"), QStringLiteral("W:FROM"), QStringLiteral("W:T"),
                                      QStringLiteral("P:;")}));
}

TEST(SqlLexer, SqliteBracketsAndNumbers)
{
    auto t = lexSql(QStringLiteral("insert into [order items] values (1.5e3, 42);"), EngineKind::SQLite, 10);
    ASSERT_TRUE(t.ok()) << qPrintable(t.error().message);
    EXPECT_EQ(t->at(2).kind, SqlToken::Kind::QuotedIdentifier);
    EXPECT_EQ(t->at(2).upper, QStringLiteral("order items"));
    EXPECT_EQ(t->at(5).kind, SqlToken::Kind::Number);
    EXPECT_EQ(t->first().line, 10); // counted from firstLine
}

TEST(SqlLexer, WhatIsLeftOpenIsAnErrorWithTheLineItStarts)
{
    for (const auto &[sql, what] : {std::pair{"select 1;\nselect 'open", "string"}, std::pair{"select 1;\n/* open", "comment"},
                                    std::pair{"select 1;\nselect \"open", "identifier"}, std::pair{"select 1;\nselect $q$ open", "quote"}}) {
        auto t = lexSql(QString::fromLatin1(sql), EngineKind::PostgreSQL);
        ASSERT_FALSE(t.ok()) << sql;
        EXPECT_TRUE(t.error().message.contains(QLatin1String("unterminated"))) << qPrintable(t.error().message);
        EXPECT_TRUE(t.error().message.contains(QLatin1String(what))) << qPrintable(t.error().message);
        EXPECT_TRUE(t.error().message.contains(QLatin1String("line 2"))) << qPrintable(t.error().message);
    }
}

namespace {

QVector<SqlToken> oneAtATime(const QString &sql, EngineKind dialect, int from = 0)
{
    SqlLexer lexer(sql, dialect, 1, from);
    QVector<SqlToken> out;
    SqlToken t;
    while (lexer.next(t))
        out << t;
    EXPECT_FALSE(lexer.failed()) << qPrintable(lexer.error().message);
    return out;
}

} // namespace

TEST(SqlLexer, OneAtATimeGivesWhatLexSqlGives)
{
    const QString sql = QStringLiteral("update \"My \"\"T\"\" \" set a = 'it''s; not' -- end; here\n"
                                       "/* block /* nested */ ; */ where b = $f$ a ; b $f$ and c = 'x' and d = $1;\n"
                                       "select `a``b`, [c d], \"t\" # hash\n/*!40101 SET x = 1 */ from t;");
    for (const EngineKind dialect : {EngineKind::PostgreSQL, EngineKind::MySQL, EngineKind::SQLite}) {
        auto all = lexSql(sql, dialect);
        ASSERT_TRUE(all.ok()) << int(dialect) << ": " << qPrintable(all.error().message);
        const QVector<SqlToken> single = oneAtATime(sql, dialect);
        EXPECT_EQ(kinds(single), kinds(*all));
        ASSERT_EQ(single.size(), all->size());
        for (qsizetype i = 0; i < single.size(); ++i) {
            EXPECT_EQ(single[i].begin, all->at(i).begin);
            EXPECT_EQ(single[i].end, all->at(i).end);
            EXPECT_EQ(single[i].line, all->at(i).line);
        }
    }
}

TEST(SqlLexer, StartsWhereItIsToldAndEStringsStartAtTheE)
{
    const QString sql = QStringLiteral("x = E'a\\'b' || e'c' || ee'd'");
    const QVector<SqlToken> t = oneAtATime(sql, EngineKind::PostgreSQL);
    EXPECT_EQ(kinds(t), (QStringList{QStringLiteral("W:X"), QStringLiteral("P:="), QStringLiteral("S"), QStringLiteral("P:|"),
                                     QStringLiteral("P:|"), QStringLiteral("S"), QStringLiteral("P:|"), QStringLiteral("P:|"),
                                     QStringLiteral("W:EE"), QStringLiteral("S")}));
    EXPECT_EQ(sql.mid(t[2].begin, t[2].end - t[2].begin), QStringLiteral("E'a\\'b'"));
    EXPECT_EQ(t[2].upper, QStringLiteral("a'b"));
    const QVector<SqlToken> from = oneAtATime(sql, EngineKind::PostgreSQL, int(sql.indexOf(u'|')));
    ASSERT_FALSE(from.isEmpty());
    EXPECT_EQ(from.first().begin, sql.indexOf(u'|'));
    EXPECT_EQ(from.size(), t.size() - 3);
}

TEST(SqlLexer, OneAtATimeStopsAtWhatIsLeftOpen)
{
    const QString sql = QStringLiteral("select 1,\n'open");
    SqlLexer lexer(sql, EngineKind::SQLite);
    SqlToken t;
    int tokens = 0;
    while (lexer.next(t))
        ++tokens;
    EXPECT_EQ(tokens, 3);
    ASSERT_TRUE(lexer.failed());
    EXPECT_EQ(lexer.error().message, QStringLiteral("unterminated string starting at line 2"));
    EXPECT_EQ(lexer.error().position, 2);
    EXPECT_FALSE(lexer.next(t)); // and stays stopped

    SqlLexer done(QStringLiteral("  "), EngineKind::SQLite);
    EXPECT_FALSE(done.next(t));
    EXPECT_FALSE(done.failed());
}

namespace {

// What quotedLength (engine/sqlexpression.h) and the SQLite engine's DDL reader counted before
// they were read by the lexer.
qsizetype quotedLengthBefore(const QString &sql, qsizetype at, QStringView quotes)
{
    const QChar open = sql[at];
    if (!quotes.contains(open))
        return 0;
    const QChar close = open == u'[' ? QChar(u']') : open;
    for (qsizetype i = at + 1; i < sql.size(); ++i) {
        if (sql[i] != close)
            continue;
        if (close != u']' && i + 1 < sql.size() && sql[i + 1] == close) {
            ++i;
            continue;
        }
        return i - at + 1;
    }
    return sql.size() - at;
}

struct OldToken {
    qsizetype at, size;
    bool operator==(const OldToken &) const = default;
};

QVector<OldToken> sqliteDdlTokensBefore(const QString &sql)
{
    QVector<OldToken> out;
    qsizetype i = 0;
    while (i < sql.size()) {
        const QChar ch = sql[i];
        if (ch.isSpace()) {
            ++i;
        } else if (sql.mid(i, 2) == QLatin1String("--")) {
            while (i < sql.size() && sql[i] != u'\n')
                ++i;
        } else if (sql.mid(i, 2) == QLatin1String("/*")) {
            const qsizetype end = sql.indexOf(QLatin1String("*/"), i + 2);
            i = end < 0 ? sql.size() : end + 2;
        } else if (const qsizetype n = quotedLengthBefore(sql, i, u"'\"`["); n > 0) {
            out << OldToken{i, n};
            i += n;
        } else if (ch.isLetterOrNumber() || ch == u'_') {
            qsizetype end = i + 1;
            while (end < sql.size() && (sql[end].isLetterOrNumber() || sql[end] == u'_' || sql[end] == u'$'))
                ++end;
            out << OldToken{i, end - i};
            i = end;
        } else {
            out << OldToken{i, 1};
            ++i;
        }
    }
    return out;
}

} // namespace

TEST(SqlLexer, QuotesAndSqliteDdlReadAsBefore)
{
    // Random text of quotes, brackets, comment starts, words and Unicode: the lexer's quotes
    // and SQLite tokens are those the two tokenizers it replaced found.
    const QString alphabet = QStringLiteral("'\"`[]-/*\n a1_$(),\u00e9\u017f");
    quint32 seed = 12345;
    const auto random = [&seed](int below) {
        seed = seed * 1103515245u + 12345u;
        return int((seed >> 16) % quint32(below));
    };
    for (int round = 0; round < 3000; ++round) {
        QString sql;
        for (int k = random(24); k > 0; --k)
            sql += alphabet[random(int(alphabet.size()))];
        for (const QStringView quotes : {u"'\"`[", u"'`", u"'\"", u"\""})
            for (qsizetype at = 0; at < sql.size(); ++at)
                ASSERT_EQ(quotedLength(sql, at, quotes), quotedLengthBefore(sql, at, quotes)) << qPrintable(sql) << " at " << at;
        // The DDL reader keeps the code tokens up to what is left open; before, what was left
        // open was a last token reaching the end (a quote) or nothing (a comment).
        QVector<OldToken> now;
        SqlLexer lexer(sql, EngineKind::SQLite);
        SqlToken t;
        while (lexer.next(t))
            if (!t.isComment())
                now << OldToken{t.begin, t.end - t.begin};
        QVector<OldToken> before = sqliteDdlTokensBefore(sql);
        if (lexer.failed() && before.size() == now.size() + 1 && before.last().at + before.last().size == sql.size())
            before.removeLast();
        ASSERT_EQ(now, before) << qPrintable(sql);
    }
}
