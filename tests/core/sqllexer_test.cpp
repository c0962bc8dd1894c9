// The one tokenizer of script files: each dialect's quotes and comments, lines, and the
// position of what is left open.
#include "scripts/sqllexer.h"

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
