#include "scripts/sqltables.h"

#include "scripts/sqllexer.h"

#include <QVector>

// The scan walks the tokens once, keeping per parenthesis level whether a query started there
// (so EXTRACT(YEAR FROM d) reads no table d) and whether a FROM list is open (FROM a, b).
// CTE names (WITH x AS (…), y AS (…)) are dropped from both lists.
// Limits: MySQL multi-table DELETE t1 FROM t1 JOIN t2 counts t1 as read, not written; tables
// named inside routine bodies' dynamic SQL, SELECT … INTO new_table, COPY, views and
// REFERENCES are not seen; a table-valued function call (FROM f(x)) is not a table.

namespace cockpit {

namespace {

class TableScan {
public:
    TableScan(const QString &sql, QVector<SqlToken> tokens) : m_sql(sql), m_t(std::move(tokens)) {}

    SqlTables run()
    {
        m_levels.append(Level{});
        qsizetype k = 0;
        while (k < m_t.size())
            k = step(k);
        for (const QString &cte : m_ctes) {
            removeName(m_tables.read, cte);
            removeName(m_tables.written, cte);
        }
        return m_tables;
    }

private:
    struct Level {
        bool query = false;    // SELECT / UPDATE / DELETE / INSERT / MERGE / WITH seen here
        bool fromList = false; // inside FROM a, b … or USING a, b …
    };

    bool isWord(qsizetype k, const char *w) const { return k < m_t.size() && m_t[k].isWord(w); }
    bool isPunct(qsizetype k, char c) const { return k < m_t.size() && m_t[k].isPunct(c); }
    bool isName(qsizetype k) const
    {
        return k < m_t.size()
               && (m_t[k].kind == SqlToken::Kind::Word || m_t[k].kind == SqlToken::Kind::QuotedIdentifier);
    }

    qsizetype skipWords(qsizetype k, std::initializer_list<const char *> words) const
    {
        for (bool skipped = true; skipped;) {
            skipped = false;
            for (const char *w : words) {
                if (isWord(k, w)) {
                    ++k;
                    skipped = true;
                }
            }
        }
        return k;
    }

    // A possibly qualified name at k (s.t, "s"."t"): its last part, and the index after it.
    qsizetype readName(qsizetype k, QString &name) const
    {
        name.clear();
        while (isName(k)) {
            const SqlToken &t = m_t[k];
            name = nameOf(t);
            if (!isPunct(k + 1, '.'))
                return k + 1;
            k += 2;
        }
        return k;
    }

    qsizetype readWritten(qsizetype k)
    {
        QString name;
        const qsizetype after = readName(k, name);
        if (!name.isEmpty())
            mergeTableNames(m_tables.written, {name});
        return after;
    }

    // A table reference in a FROM list or after JOIN; a subquery's '(' is left to step().
    qsizetype readRead(qsizetype k)
    {
        k = skipWords(k, {"LATERAL", "ONLY"});
        QString name;
        const qsizetype after = readName(k, name);
        if (!name.isEmpty() && !isPunct(after, '(')) // f(x): a function, not a table
            mergeTableNames(m_tables.read, {name});
        return after;
    }

    // WITH [RECURSIVE] x [(cols)] AS [[NOT] MATERIALIZED] (: records x when k is at x.
    void noteCte(qsizetype k)
    {
        if (!isName(k))
            return;
        qsizetype at = k + 1;
        if (isPunct(at, '(')) {
            for (int depth = 0; at < m_t.size(); ++at) {
                if (isPunct(at, '('))
                    ++depth;
                else if (isPunct(at, ')') && --depth == 0)
                    break;
            }
            ++at;
        }
        if (!isWord(at, "AS"))
            return;
        at = skipWords(at + 1, {"NOT", "MATERIALIZED"});
        if (isPunct(at, '('))
            m_ctes.append(nameOf(m_t[k]));
    }

    qsizetype step(qsizetype k)
    {
        const SqlToken &t = m_t[k];
        Level &level = m_levels.back();
        const bool afterOn = k > 0 && m_t[k - 1].isWord("ON"); // ON DELETE CASCADE, ON UPDATE …
        if (t.isPunct('(')) {
            m_levels.append(Level{});
            return k + 1;
        }
        if (t.isPunct(')')) {
            if (m_levels.size() > 1)
                m_levels.removeLast();
            return k + 1;
        }
        if (t.isPunct(',')) {
            noteCte(k + 1);
            return level.fromList ? readRead(k + 1) : k + 1;
        }
        if (t.kind != SqlToken::Kind::Word)
            return k + 1;
        const QString &w = t.upper;
        if (w == QLatin1String("SELECT")) {
            level.query = true;
            level.fromList = false;
        } else if (w == QLatin1String("WITH")) {
            level.query = true;
            const qsizetype at = skipWords(k + 1, {"RECURSIVE"});
            noteCte(at);
            return at;
        } else if (w == QLatin1String("INSERT") || w == QLatin1String("REPLACE")) {
            const qsizetype at = skipWords(k + 1, {"LOW_PRIORITY", "DELAYED", "HIGH_PRIORITY", "IGNORE", "OR",
                                                   "REPLACE", "ROLLBACK", "ABORT", "FAIL"});
            if (isWord(at, "INTO")) {
                level.query = true;
                return readWritten(at + 1);
            }
        } else if (w == QLatin1String("UPDATE") && !afterOn) {
            const qsizetype at = skipWords(k + 1, {"LOW_PRIORITY", "IGNORE", "OR", "ROLLBACK", "ABORT", "REPLACE",
                                                   "FAIL", "ONLY"});
            // Not a trigger's UPDATE OF c ON t, nor MERGE's WHEN MATCHED THEN UPDATE SET.
            if (!isWord(at, "ON") && !isWord(at, "OF") && !isWord(at, "SET") && isName(at)) {
                level.query = true;
                return readWritten(at);
            }
        } else if (w == QLatin1String("DELETE") && !afterOn) {
            const qsizetype at = skipWords(k + 1, {"LOW_PRIORITY", "QUICK", "IGNORE"});
            if (isWord(at, "FROM")) {
                level.query = true;
                return readWritten(skipWords(at + 1, {"ONLY"}));
            }
        } else if (w == QLatin1String("MERGE") && isWord(k + 1, "INTO")) {
            level.query = true;
            return readWritten(skipWords(k + 2, {"ONLY"}));
        } else if (w == QLatin1String("ALTER") && isWord(k + 1, "TABLE")) {
            return readWritten(skipWords(k + 2, {"IF", "EXISTS", "ONLY"}));
        } else if (w == QLatin1String("CREATE")) {
            qsizetype at = skipWords(k + 1, {"OR", "REPLACE", "TEMP", "TEMPORARY", "UNLOGGED", "GLOBAL", "LOCAL"});
            if (isWord(at, "TABLE"))
                return readWritten(skipWords(at + 1, {"IF", "NOT", "EXISTS"}));
            if (isWord(at, "UNIQUE") || isWord(at, "INDEX")) {
                while (at < m_t.size() && !isWord(at, "ON") && !isPunct(at, '('))
                    ++at;
                if (isWord(at, "ON"))
                    return readWritten(skipWords(at + 1, {"ONLY"}));
            }
        } else if (w == QLatin1String("DROP") && isWord(k + 1, "TABLE")) {
            return readWrittenList(skipWords(k + 2, {"IF", "EXISTS"}));
        } else if (w == QLatin1String("TRUNCATE")) {
            return readWrittenList(skipWords(k + 1, {"TABLE", "ONLY"}));
        } else if (w == QLatin1String("FROM") || (w == QLatin1String("USING") && !isPunct(k + 1, '('))) {
            if (level.query) {
                level.fromList = true;
                return readRead(k + 1);
            }
        } else if (w == QLatin1String("JOIN")) {
            return readRead(k + 1);
        } else if (endsFromList(w)) {
            level.fromList = false;
        }
        return k + 1;
    }

    qsizetype readWrittenList(qsizetype k)
    {
        k = readWritten(k);
        while (isPunct(k, ','))
            k = readWritten(skipWords(k + 1, {"ONLY"}));
        return k;
    }

    static bool endsFromList(const QString &w)
    {
        static const QStringList clauses{
            QStringLiteral("WHERE"),  QStringLiteral("GROUP"),     QStringLiteral("ORDER"),
            QStringLiteral("HAVING"), QStringLiteral("LIMIT"),     QStringLiteral("UNION"),
            QStringLiteral("EXCEPT"), QStringLiteral("INTERSECT"), QStringLiteral("ON"),
            QStringLiteral("SET"),    QStringLiteral("RETURNING"), QStringLiteral("WINDOW"),
            QStringLiteral("OFFSET"), QStringLiteral("FETCH"),     QStringLiteral("VALUES"),
            QStringLiteral("WHEN"),   QStringLiteral("INTO"),      QStringLiteral("FOR")};
        return clauses.contains(w);
    }

    static void removeName(QStringList &names, const QString &name)
    {
        names.removeIf([&](const QString &n) { return n.compare(name, Qt::CaseInsensitive) == 0; });
    }

    // A bare name as written (a quoted one's unquoted text is in `upper`).
    QString nameOf(const SqlToken &t) const
    {
        return t.kind == SqlToken::Kind::Word ? m_sql.mid(t.begin, t.end - t.begin) : t.upper;
    }

    const QString &m_sql;
    QVector<SqlToken> m_t;
    QVector<Level> m_levels;
    QStringList m_ctes;
    SqlTables m_tables;
};

} // namespace

SqlTables tablesOfStatement(const QString &sql, EngineKind dialect)
{
    auto tokens = lexSql(sql, dialect);
    if (!tokens)
        return {};
    QVector<SqlToken> code;
    for (const SqlToken &t : *tokens) {
        if (t.kind != SqlToken::Kind::Comment && t.kind != SqlToken::Kind::CodeComment)
            code.append(t);
    }
    return TableScan(sql, std::move(code)).run();
}

void mergeTableNames(QStringList &into, const QStringList &more)
{
    for (const QString &name : more) {
        if (!into.contains(name, Qt::CaseInsensitive))
            into.append(name);
    }
}

} // namespace cockpit
