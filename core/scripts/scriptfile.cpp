#include "scripts/scriptfile.h"

#include "scripts/sqltables.h"

#include <QFileInfo>
#include <QRegularExpression>

namespace cockpit {

namespace {

const QList<EngineKind> kAllEngines{EngineKind::SQLite, EngineKind::PostgreSQL, EngineKind::MySQL};

std::optional<EngineKind> engineNamed(const QString &word)
{
    for (EngineKind e : kAllEngines) {
        if (word.compare(toString(e), Qt::CaseInsensitive) == 0)
            return e;
    }
    return std::nullopt;
}

QStringList engineNames(const QList<EngineKind> &engines)
{
    QStringList names;
    for (EngineKind e : engines)
        names.append(toString(e));
    return names;
}

// Reads the header lines, then the statements, of one file.
class ScriptParser {
public:
    ScriptParser(const QString &path, const QString &text, EngineKind target)
        : m_fileName(QFileInfo(path).fileName()), m_text(text), m_target(target)
    {
        m_script.path = path;
        m_script.text = text;
    }

    Result<ScriptFile> run()
    {
        const ScriptFileName fileName = scriptFileName(m_fileName);
        if (fileName.name.isEmpty())
            return makeError(m_fileName + QStringLiteral(": a script file needs a name before its .sql"));
        m_script.name = fileName.name;

        int sqlStart = int(m_text.size());
        int sqlLine = 1;
        int line = 1;
        for (int pos = 0; pos < m_text.size(); ++line) {
            int eol = int(m_text.indexOf(u'\n', pos));
            if (eol < 0)
                eol = int(m_text.size());
            const QString content = m_text.mid(pos, eol - pos).trimmed();
            if (!content.isEmpty() && !content.startsWith(QLatin1String("--"))) {
                sqlStart = pos;
                sqlLine = line;
                break;
            }
            if (!content.isEmpty()) {
                if (auto ok = headerLine(content.mid(2).trimmed(), line); !ok)
                    return ok.error();
            }
            pos = eol + 1;
        }
        if (fileName.engine && !m_script.runsOn(*fileName.engine))
            return fail(m_engineLine, QStringLiteral("'engine: %1' leaves out %2, the engine its file name is for")
                                          .arg(engineNames(m_script.engines).join(QStringLiteral(", ")),
                                               toString(*fileName.engine)));
        if (!m_script.runsOn(m_target))
            return m_script;

        for (const ScriptCheck &check : m_rawChecks) {
            auto query = splitSqlStatements(check.sql, m_target, check.line);
            if (!query)
                return fail(check.line, QStringLiteral("check: ") + query.error().message);
            if (query->size() != 1)
                return fail(check.line, QStringLiteral("a check is one query, found %1 statements").arg(query->size()));
            m_script.checks.append(ScriptCheck{query->first().sql, check.line});
        }

        auto statements = splitSqlStatements(m_text.mid(sqlStart), m_target, sqlLine);
        if (!statements)
            return fail(statements.error().position, statements.error().message);
        m_script.statements = *statements;
        if (m_script.statements.isEmpty() && m_script.checks.isEmpty())
            return makeError(m_fileName + QStringLiteral(": no SQL statement and no check"));
        for (const SqlStatement &s : m_script.statements) {
            const SqlTables tables = tablesOfStatement(s.sql, m_target);
            mergeTableNames(m_script.tablesRead, tables.read);
            mergeTableNames(m_script.tablesWritten, tables.written);
        }
        return m_script;
    }

private:
    TaskError fail(int line, const QString &reason) const
    {
        return makeError(QStringLiteral("%1:%2: %3").arg(m_fileName).arg(line).arg(reason), {}, line);
    }

    // `comment` is a header line without its "--". Only "word: value" lines are keys.
    Status headerLine(const QString &comment, int line)
    {
        static const QRegularExpression keyValue(QStringLiteral("^([A-Za-z][A-Za-z0-9_-]*)\\s*:(.*)$"));
        const auto m = keyValue.match(comment);
        if (!m.hasMatch())
            return {};
        const QString key = m.captured(1).toLower();
        const QString value = m.captured(2).trimmed();
        if (key == QLatin1String("depends"))
            return depends(value, line);
        if (key == QLatin1String("check")) {
            QString sql = value;
            while (sql.endsWith(u';'))
                sql = sql.chopped(1).trimmed();
            if (sql.isEmpty())
                return fail(line, QStringLiteral("check: needs a query that returns no rows when all is well"));
            m_rawChecks.append(ScriptCheck{sql, line});
            return {};
        }
        const bool known = key == QLatin1String("group") || key == QLatin1String("transaction")
                           || key == QLatin1String("engine");
        if (!known)
            return fail(line, QStringLiteral("unknown header key '%1' (known: depends, group, transaction, engine, check)")
                                  .arg(m.captured(1)));
        if (m_seenAt.contains(key))
            return fail(line, QStringLiteral("'%1' given twice (first at line %2)").arg(key).arg(m_seenAt.value(key)));
        m_seenAt.insert(key, line);
        if (key == QLatin1String("group")) {
            if (value.isEmpty() || value.contains(QRegularExpression(QStringLiteral("\\s"))))
                return fail(line, QStringLiteral("group: needs one batch group name, got '%1'").arg(value));
            m_script.group = value;
        } else if (key == QLatin1String("transaction")) {
            if (value.compare(QLatin1String("single"), Qt::CaseInsensitive) == 0)
                m_script.transaction = ScriptTransaction::Single;
            else if (value.compare(QLatin1String("per-statement"), Qt::CaseInsensitive) == 0)
                m_script.transaction = ScriptTransaction::PerStatement;
            else
                return fail(line, QStringLiteral("transaction: '%1' is not single or per-statement").arg(value));
        } else {
            m_engineLine = line;
            for (const QString &word : value.split(u',')) {
                const auto engine = engineNamed(word.trimmed());
                if (!engine)
                    return fail(line, QStringLiteral("engine: '%1' is not one of sqlite, postgresql, mysql")
                                          .arg(word.trimmed()));
                if (!m_script.engines.contains(*engine))
                    m_script.engines.append(*engine);
            }
        }
        return {};
    }

    Status depends(const QString &value, int line)
    {
        static const QRegularExpression entry(
            QStringLiteral("^(copy|script|validate|index|prepare)\\s*:\\s*(\\S.*)$"),
            QRegularExpression::CaseInsensitiveOption);
        for (const QString &raw : value.split(u',')) {
            const auto m = entry.match(raw.trimmed());
            if (!m.hasMatch())
                return fail(line, QStringLiteral("depends: '%1' is not kind:NAME with kind copy, script, validate, "
                                                 "index or prepare")
                                      .arg(raw.trimmed()));
            const QString task = m.captured(1).toLower() + u':' + m.captured(2).trimmed();
            if (task == QStringLiteral("script:") + m_script.name)
                return fail(line, QStringLiteral("depends: a script cannot depend on itself"));
            const bool seen = std::any_of(m_script.dependsOn.cbegin(), m_script.dependsOn.cend(),
                                          [&](const ScriptDependency &d) { return d.task == task; });
            if (!seen)
                m_script.dependsOn.append(ScriptDependency{task, line});
        }
        return {};
    }

    QString m_fileName;
    const QString &m_text;
    EngineKind m_target;
    ScriptFile m_script;
    QVector<ScriptCheck> m_rawChecks; // checked once the header says which engines apply
    QMap<QString, int> m_seenAt;      // line of each single-valued key
    int m_engineLine = 0;
};

} // namespace

ScriptFileName scriptFileName(const QString &fileName)
{
    QString base = fileName;
    if (base.endsWith(QLatin1String(".sql"), Qt::CaseInsensitive))
        base.chop(4);
    const int dot = int(base.lastIndexOf(u'.'));
    if (dot >= 0) {
        if (const auto engine = engineNamed(base.mid(dot + 1)))
            return ScriptFileName{base.left(dot), engine};
    }
    return ScriptFileName{base, std::nullopt};
}

Result<ScriptFile> parseScriptFile(const QString &path, const QString &text, EngineKind target)
{
    return ScriptParser(path, text, target).run();
}

} // namespace cockpit
