#include "plan/plan.h"
#include "store/statelocation.h"
#include "engine/columntype.h"
#include "plan/jsonlocator.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QThread>
#include <algorithm>

namespace cockpit {

bool globMatches(const QString &pattern, const QString &text)
{
    // Task and table names contain '/' and '.', so this is not a file-path glob.
    QString rx;
    for (qsizetype i = 0; i < pattern.size(); ++i) {
        const QChar c = pattern[i];
        if (c == u'*')
            rx += QStringLiteral(".*");
        else if (c == u'?')
            rx += u'.';
        else if (c == u'[') {
            const qsizetype end = pattern.indexOf(u']', i + 1);
            if (end < 0) {
                rx += QStringLiteral("\\[");
                continue;
            }
            QString set = pattern.mid(i + 1, end - i - 1);
            if (set.startsWith(u'!'))
                set[0] = u'^';
            rx += u'[' + set.replace(QStringLiteral("\\"), QStringLiteral("\\\\")) + u']';
            i = end;
        } else
            rx += QRegularExpression::escape(QString(c));
    }
    const QRegularExpression re(QRegularExpression::anchoredPattern(rx));
    return re.match(text).hasMatch();
}

bool Plan::includesTable(const QString &table) const
{
    auto any = [&](const QStringList &patterns) {
        for (const auto &p : patterns)
            if (globMatches(p, table))
                return true;
        return false;
    };
    return any(include) && !any(exclude);
}

TableOptions Plan::optionsFor(const QString &table) const
{
    TableOptions o;
    for (auto it = tableOptions.begin(); it != tableOptions.end(); ++it)
        if (it.key().compare(table, Qt::CaseInsensitive) == 0)
            o = it.value();
    if (o.batchSize <= 0)
        o.batchSize = batchSize;
    if (o.chunkRows <= 0)
        o.chunkRows = chunkRows;
    if (o.maxRejects < 0)
        o.maxRejects = maxRejects;
    if (!o.nullKeys)
        o.nullKeys = nullKeys;
    return o;
}

bool Plan::copiesByTransfer(const QString &table) const
{
    return copyMethod == CopyMethod::Auto && source.engine == EngineKind::SQLite && target.engine == EngineKind::SQLite
           && optionsFor(table).columnTypes.isEmpty();
}

QString Plan::rejectsDirectory() const
{
    if (!rejectsDir.isEmpty())
        return rejectsDir;
    return statelocation::rejectsFolder(statePath);
}

QString Plan::groupFor(const QString &taskName) const
{
    for (const auto &g : groups)
        for (const auto &p : g.taskPatterns)
            if (globMatches(p, taskName))
                return g.name;
    return groups.isEmpty() ? QStringLiteral("default") : groups.last().name;
}

QString Plan::title() const
{
    return source.shortName() + QStringLiteral(" -> ") + target.shortName();
}

QVector<BatchGroup> Plan::defaultGroups()
{
    const int threads = std::max(2, QThread::idealThreadCount());
    return {BatchGroup{QStringLiteral("default"), threads, {QStringLiteral("*")}}};
}

Plan Plan::fromUrls(const ConnectionUrl &source, const ConnectionUrl &target,
                    const QString &statePath)
{
    Plan p;
    p.name = source.shortName() + QStringLiteral(" -> ") + target.shortName();
    p.source = source;
    p.target = target;
    p.statePath = statePath;
    p.groups = defaultGroups();
    return p;
}

static QString nullKeysName(NullKeys n)
{
    return n == NullKeys::Reject ? QStringLiteral("reject") : QStringLiteral("dropKey");
}

static QString urlForJson(const ConnectionUrl &url, const QDir &base)
{
    if (url.engine != EngineKind::SQLite)
        return url.display();
    return QStringLiteral("sqlite:") + base.relativeFilePath(url.path);
}

double RetryPolicy::delayBefore(int next) const
{
    double d = delaySeconds;
    for (int i = 2; i < next && d < maxDelaySeconds; ++i)
        d *= 2;
    return std::min(d, maxDelaySeconds);
}

QByteArray Plan::toJson() const
{
    const QDir base = QFileInfo(filePath).absoluteDir();
    QJsonObject o;
    o[QStringLiteral("name")] = name;
    o[QStringLiteral("source")] = urlForJson(source, base);
    o[QStringLiteral("target")] = urlForJson(target, base);
    o[QStringLiteral("state")] = statelocation::isUrl(statePath) ? statePath : base.relativeFilePath(statePath);
    o[QStringLiteral("ifTargetExists")] =
        ifTargetExists == IfTargetExists::Replace ? QStringLiteral("replace") : QStringLiteral("fail");
    o[QStringLiteral("validation")] =
        validation == ValidationMode::Full ? QStringLiteral("full") : QStringLiteral("streamed");
    o[QStringLiteral("copyMethod")] = copyMethod == CopyMethod::Batches ? QStringLiteral("batches") : QStringLiteral("auto");
    o[QStringLiteral("indexBuilds")] = indexBuilds == IndexBuilds::Server ? QStringLiteral("server") : QStringLiteral("threads");
    o[QStringLiteral("batchSize")] = batchSize;
    o[QStringLiteral("chunkRows")] = chunkRows;
    o[QStringLiteral("maxRejects")] = maxRejects;
    o[QStringLiteral("nullKeys")] = nullKeysName(nullKeys);
    if (!rejectsDir.isEmpty())
        o[QStringLiteral("rejectsDir")] = base.relativeFilePath(rejectsDir);
    if (!scriptsDir.isEmpty())
        o[QStringLiteral("scripts")] = base.relativeFilePath(scriptsDir);
    o[QStringLiteral("stallSeconds")] = stallSeconds;
    o[QStringLiteral("retry")] = QJsonObject{{QStringLiteral("attempts"), retry.attempts},
                                             {QStringLiteral("delaySeconds"), retry.delaySeconds},
                                             {QStringLiteral("maxDelaySeconds"), retry.maxDelaySeconds}};
    QJsonArray groupsJson;
    for (const auto &g : groups)
        groupsJson.append(QJsonObject{{QStringLiteral("name"), g.name},
                                      {QStringLiteral("threads"), g.threads},
                                      {QStringLiteral("tasks"), QJsonArray::fromStringList(g.taskPatterns)}});
    o[QStringLiteral("batchGroups")] = groupsJson;
    o[QStringLiteral("tables")] = QJsonObject{{QStringLiteral("include"), QJsonArray::fromStringList(include)},
                                              {QStringLiteral("exclude"), QJsonArray::fromStringList(exclude)}};
    if (!tableOptions.isEmpty()) {
        QJsonObject to;
        for (auto it = tableOptions.begin(); it != tableOptions.end(); ++it) {
            QJsonObject t;
            if (it->batchSize > 0)
                t[QStringLiteral("batchSize")] = it->batchSize;
            if (it->chunkRows > 0)
                t[QStringLiteral("chunkRows")] = it->chunkRows;
            if (it->priority != 0)
                t[QStringLiteral("priority")] = it->priority;
            if (it->maxRejects >= 0)
                t[QStringLiteral("maxRejects")] = it->maxRejects;
            if (it->nullKeys)
                t[QStringLiteral("nullKeys")] = nullKeysName(*it->nullKeys);
            if (!it->columnTypes.isEmpty()) {
                QJsonObject columns;
                for (auto c = it->columnTypes.begin(); c != it->columnTypes.end(); ++c)
                    columns[c.key()] = QJsonObject{{QStringLiteral("type"), c.value()}};
                t[QStringLiteral("columns")] = columns;
            }
            to[it.key()] = t;
        }
        o[QStringLiteral("tableOptions")] = to;
    }
    return QJsonDocument(o).toJson(QJsonDocument::Indented);
}

namespace {

// Walks the parsed document; each error names the file, line:column and the JSON path.
class PlanReader {
public:
    PlanReader(const QByteArray &json, const QString &path) : m_json(json), m_path(path) {}

    TaskError error(const JsonPath &at, const QString &what) const
    {
        const int offset = locateJsonValue(m_json, at);
        const TextPosition pos = textPosition(m_json, std::max(0, offset));
        return makeError(QStringLiteral("%1:%2:%3: \"%4\": %5")
                             .arg(QFileInfo(m_path).fileName())
                             .arg(pos.line)
                             .arg(pos.column)
                             .arg(pathText(at), what),
                         {}, offset);
    }

    static QString pathText(const JsonPath &at)
    {
        QString s;
        for (const auto &step : at) {
            if (step.typeId() == QMetaType::QString)
                s += (s.isEmpty() ? QString() : QStringLiteral(".")) + step.toString();
            else
                s += QStringLiteral("[%1]").arg(step.toInt());
        }
        return s.isEmpty() ? QStringLiteral("(top level)") : s;
    }

    static QString describe(const QJsonValue &v)
    {
        switch (v.type()) {
        case QJsonValue::Null: return QStringLiteral("null");
        case QJsonValue::Bool: return v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
        case QJsonValue::Double: return QString::number(v.toDouble());
        case QJsonValue::String: return u'"' + v.toString() + u'"';
        case QJsonValue::Array: return QStringLiteral("an array");
        case QJsonValue::Object: return QStringLiteral("an object");
        case QJsonValue::Undefined: return QStringLiteral("nothing");
        }
        return {};
    }

    // Unknown keys are errors: a typo must not silently fall back to a default.
    std::optional<TaskError> checkKeys(const QJsonObject &o, const JsonPath &at,
                                       const QStringList &known) const
    {
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (known.contains(it.key()))
                continue;
            QString hint;
            for (const auto &k : known)
                if (k.compare(it.key(), Qt::CaseInsensitive) == 0)
                    hint = QStringLiteral(" (did you mean \"%1\"?)").arg(k);
            return error(at + JsonPath{it.key()},
                         QStringLiteral("unknown key%1; known keys: %2").arg(hint, known.join(u", ")));
        }
        return std::nullopt;
    }

    // The index of the value of `key` among `options` (absent: the first); anything else is an
    // error that lists them: `expected "fail" or "replace", got "merge"`.
    Result<int> choice(const QJsonObject &o, const JsonPath &at, const QString &key, const QStringList &options) const
    {
        auto text = string(o, at, key, false, options.first());
        if (!text)
            return text.error();
        const int i = int(options.indexOf(*text));
        if (i >= 0)
            return i;
        QStringList quoted;
        for (const auto &option : options)
            quoted << u'"' + option + u'"';
        const QString last = quoted.takeLast();
        return error(at + JsonPath{key}, QStringLiteral("expected %1 or %2, got \"%3\"").arg(quoted.join(QStringLiteral(", ")), last, *text));
    }

    Result<QString> string(const QJsonObject &o, const JsonPath &at, const QString &key,
                           bool required, const QString &def = {}) const
    {
        if (!o.contains(key)) {
            if (required)
                return error(at, QStringLiteral("missing required key \"%1\"").arg(key));
            return def;
        }
        const QJsonValue v = o.value(key);
        if (!v.isString() || v.toString().trimmed().isEmpty())
            return error(at + JsonPath{key},
                         QStringLiteral("expected a non-empty string, got %1").arg(describe(v)));
        return v.toString();
    }

    Result<qint64> positive(const QJsonObject &o, const JsonPath &at, const QString &key,
                            qint64 def, qint64 max) const
    {
        if (!o.contains(key))
            return def;
        const QJsonValue v = o.value(key);
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d < 1 || d > double(max) || d != std::floor(d))
            return error(at + JsonPath{key},
                         QStringLiteral("expected a whole number from 1 to %1, got %2")
                             .arg(max)
                             .arg(describe(v)));
        return qint64(d);
    }

    Result<qint64> count(const QJsonObject &o, const JsonPath &at, const QString &key, qint64 def) const
    {
        if (!o.contains(key))
            return def;
        const QJsonValue v = o.value(key);
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d < 0 || d > 2147483647.0 || d != std::floor(d))
            return error(at + JsonPath{key},
                         QStringLiteral("expected a whole number from 0 to 2147483647, got %1").arg(describe(v)));
        return qint64(d);
    }

    Result<QStringList> stringList(const QJsonValue &v, const JsonPath &at) const
    {
        if (!v.isArray())
            return error(at, QStringLiteral("expected an array of strings, got %1").arg(describe(v)));
        QStringList out;
        const QJsonArray a = v.toArray();
        for (int i = 0; i < a.size(); ++i) {
            if (!a[i].isString() || a[i].toString().isEmpty())
                return error(at + JsonPath{i},
                             QStringLiteral("expected a non-empty string, got %1").arg(describe(a[i])));
            out << a[i].toString();
        }
        return out;
    }

    Result<Plan> read()
    {
        QJsonParseError pe;
        const QJsonDocument doc = QJsonDocument::fromJson(m_json, &pe);
        if (pe.error != QJsonParseError::NoError) {
            // Qt's offset can lie past the end (a string left open at the end of the file).
            const int offset = std::clamp(int(pe.offset), 0, int(m_json.size()));
            const TextPosition pos = textPosition(m_json, offset);
            return makeError(QStringLiteral("%1:%2:%3: not valid JSON: %4")
                                 .arg(QFileInfo(m_path).fileName())
                                 .arg(pos.line)
                                 .arg(pos.column)
                                 .arg(pe.errorString()),
                             {}, offset);
        }
        if (!doc.isObject())
            return error({}, QStringLiteral("expected a JSON object with \"source\" and \"target\""));
        const QJsonObject o = doc.object();
        if (auto e = checkKeys(o, {}, {"name", "source", "target", "state", "ifTargetExists",
                                        "batchSize", "chunkRows", "batchGroups", "tables",
                                        "tableOptions", "maxRejects", "nullKeys", "rejectsDir", "scripts", "validation", "copyMethod", "indexBuilds", "retry", "stallSeconds"}))
            return *e;

        Plan plan;
        plan.filePath = QFileInfo(m_path).absoluteFilePath();
        const QString base = QFileInfo(m_path).absolutePath();

        for (const auto &key : {QStringLiteral("source"), QStringLiteral("target")}) {
            auto text = string(o, {}, key, true);
            if (!text)
                return text.error();
            auto url = ConnectionUrl::parse(*text, base);
            if (!url)
                return error({key}, url.error().message);
            (key == QLatin1String("source") ? plan.source : plan.target) = *url;
        }
        auto name = string(o, {}, QStringLiteral("name"), false, plan.title());
        if (!name)
            return name.error();
        plan.name = *name;
        auto state = string(o, {}, QStringLiteral("state"), false,
                            QFileInfo(m_path).completeBaseName() + QStringLiteral(".state.db"));
        if (!state)
            return state.error();
        auto location = statelocation::normalized(*state, base);
        if (!location)
            return error({QStringLiteral("state")}, location.error().message);
        plan.statePath = *location;

        auto ifExists = choice(o, {}, QStringLiteral("ifTargetExists"), {QStringLiteral("fail"), QStringLiteral("replace")});
        if (!ifExists)
            return ifExists.error();
        plan.ifTargetExists = *ifExists == 1 ? IfTargetExists::Replace : IfTargetExists::Fail;
        auto validation = choice(o, {}, QStringLiteral("validation"), {QStringLiteral("streamed"), QStringLiteral("full")});
        if (!validation)
            return validation.error();
        plan.validation = *validation == 1 ? ValidationMode::Full : ValidationMode::Streamed;
        auto method = choice(o, {}, QStringLiteral("copyMethod"), {QStringLiteral("auto"), QStringLiteral("batches")});
        if (!method)
            return method.error();
        plan.copyMethod = *method == 1 ? CopyMethod::Batches : CopyMethod::Auto;
        auto builds = choice(o, {}, QStringLiteral("indexBuilds"), {QStringLiteral("threads"), QStringLiteral("server")});
        if (!builds)
            return builds.error();
        plan.indexBuilds = *builds == 1 ? IndexBuilds::Server : IndexBuilds::Threads;

        auto batch = positive(o, {}, QStringLiteral("batchSize"), plan.batchSize, 10'000'000);
        if (!batch)
            return batch.error();
        plan.batchSize = int(*batch);
        auto chunk = positive(o, {}, QStringLiteral("chunkRows"), plan.chunkRows, qint64(1) << 50);
        if (!chunk)
            return chunk.error();
        plan.chunkRows = *chunk;
        auto rejects = count(o, {}, QStringLiteral("maxRejects"), plan.maxRejects);
        if (!rejects)
            return rejects.error();
        plan.maxRejects = int(*rejects);
        auto nullKeys = choice(o, {}, QStringLiteral("nullKeys"), {QStringLiteral("dropKey"), QStringLiteral("reject")});
        if (!nullKeys)
            return nullKeys.error();
        plan.nullKeys = *nullKeys == 1 ? NullKeys::Reject : NullKeys::DropKey;
        auto rejectsDir = string(o, {}, QStringLiteral("rejectsDir"), false);
        if (!rejectsDir)
            return rejectsDir.error();
        if (!rejectsDir->isEmpty())
            plan.rejectsDir = QDir::cleanPath(QDir(base).absoluteFilePath(*rejectsDir));
        auto scripts = string(o, {}, QStringLiteral("scripts"), false);
        if (!scripts)
            return scripts.error();
        if (!scripts->isEmpty())
            plan.scriptsDir = QDir::cleanPath(QDir(base).absoluteFilePath(*scripts));

        if (auto r = readGroups(o, plan); !r)
            return r.error();
        if (auto r = readTables(o, plan); !r)
            return r.error();
        if (auto r = readTableOptions(o, plan); !r)
            return r.error();
        if (auto r = readRetry(o, plan.retry); !r)
            return r.error();
        if (o.contains(QStringLiteral("stallSeconds"))) {
            const QJsonValue v = o.value(QStringLiteral("stallSeconds"));
            if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() > 864000)
                return error({QStringLiteral("stallSeconds")},
                             QStringLiteral("expected a number of seconds from 0 (off) to 864000, got %1").arg(describe(v)));
            plan.stallSeconds = v.toDouble();
        }
        return plan;
    }

private:
    Status readRetry(const QJsonObject &o, RetryPolicy &retry) const
    {
        const QString key = QStringLiteral("retry");
        if (!o.contains(key))
            return {};
        const QJsonValue v = o.value(key);
        if (!v.isObject())
            return error({key}, QStringLiteral("expected an object {\"attempts\", \"delaySeconds\", \"maxDelaySeconds\"}, got %1")
                                    .arg(describe(v)));
        const QJsonObject r = v.toObject();
        if (auto e = checkKeys(r, {key}, {"attempts", "delaySeconds", "maxDelaySeconds"}))
            return *e;
        auto attempts = positive(r, {key}, QStringLiteral("attempts"), retry.attempts, 1000);
        if (!attempts)
            return attempts.error();
        retry.attempts = int(*attempts);
        for (auto [name, field] : {std::pair{QStringLiteral("delaySeconds"), &retry.delaySeconds},
                                   std::pair{QStringLiteral("maxDelaySeconds"), &retry.maxDelaySeconds}}) {
            if (!r.contains(name))
                continue;
            const QJsonValue d = r.value(name);
            if (!d.isDouble() || d.toDouble() < 0 || d.toDouble() > 86400)
                return error({key, name}, QStringLiteral("expected a number of seconds from 0 to 86400, got %1").arg(describe(d)));
            *field = d.toDouble();
        }
        if (retry.maxDelaySeconds < retry.delaySeconds)
            return error({key, QStringLiteral("maxDelaySeconds")},
                         QStringLiteral("expected at least delaySeconds (%1), got %2").arg(retry.delaySeconds).arg(retry.maxDelaySeconds));
        return {};
    }

    Status readGroups(const QJsonObject &o, Plan &plan) const
    {
        const QString key = QStringLiteral("batchGroups");
        if (!o.contains(key)) {
            plan.groups = Plan::defaultGroups();
            return {};
        }
        const QJsonValue v = o.value(key);
        if (!v.isArray() || v.toArray().isEmpty())
            return error({key}, QStringLiteral("expected a non-empty array of batch groups, got %1")
                                    .arg(describe(v)));
        const QJsonArray a = v.toArray();
        for (int i = 0; i < a.size(); ++i) {
            const JsonPath at{key, i};
            if (!a[i].isObject())
                return error(at, QStringLiteral("expected a batch group object {\"name\", "
                                                "\"threads\", \"tasks\"}, got %1")
                                     .arg(describe(a[i])));
            const QJsonObject g = a[i].toObject();
            if (auto e = checkKeys(g, at, {"name", "threads", "tasks"}))
                return *e;
            BatchGroup group;
            auto name = string(g, at, QStringLiteral("name"), true);
            if (!name)
                return name.error();
            group.name = *name;
            for (const auto &existing : plan.groups)
                if (existing.name == group.name)
                    return error(at + JsonPath{QStringLiteral("name")},
                                 QStringLiteral("batch group \"%1\" is defined twice").arg(group.name));
            auto threads = positive(g, at, QStringLiteral("threads"), 2, 256);
            if (!threads)
                return threads.error();
            group.threads = int(*threads);
            if (g.contains(QStringLiteral("tasks"))) {
                auto tasks = stringList(g.value(QStringLiteral("tasks")), at + JsonPath{QStringLiteral("tasks")});
                if (!tasks)
                    return tasks.error();
                group.taskPatterns = *tasks;
            } else {
                group.taskPatterns = {QStringLiteral("*")};
            }
            plan.groups << group;
        }
        return {};
    }

    Status readTables(const QJsonObject &o, Plan &plan) const
    {
        const QString key = QStringLiteral("tables");
        if (!o.contains(key))
            return {};
        const QJsonValue v = o.value(key);
        if (v.isArray()) {
            auto list = stringList(v, {key});
            if (!list)
                return list.error();
            plan.include = *list;
            return {};
        }
        if (!v.isObject())
            return error({key}, QStringLiteral("expected an array of table globs or {\"include\": "
                                               "[...], \"exclude\": [...]}, got %1")
                                    .arg(describe(v)));
        const QJsonObject t = v.toObject();
        if (auto e = checkKeys(t, {key}, {"include", "exclude"}))
            return *e;
        if (t.contains(QStringLiteral("include"))) {
            auto list = stringList(t.value(QStringLiteral("include")), {key, QStringLiteral("include")});
            if (!list)
                return list.error();
            plan.include = *list;
        }
        if (t.contains(QStringLiteral("exclude"))) {
            auto list = stringList(t.value(QStringLiteral("exclude")), {key, QStringLiteral("exclude")});
            if (!list)
                return list.error();
            plan.exclude = *list;
        }
        return {};
    }

    Status readTableOptions(const QJsonObject &o, Plan &plan) const
    {
        const QString key = QStringLiteral("tableOptions");
        if (!o.contains(key))
            return {};
        const QJsonValue v = o.value(key);
        if (!v.isObject())
            return error({key}, QStringLiteral("expected an object keyed by table name, got %1")
                                    .arg(describe(v)));
        const QJsonObject all = v.toObject();
        for (auto it = all.begin(); it != all.end(); ++it) {
            const JsonPath at{key, it.key()};
            if (!it.value().isObject())
                return error(at, QStringLiteral("expected an object, got %1").arg(describe(it.value())));
            const QJsonObject t = it.value().toObject();
            if (auto e = checkKeys(t, at, {"batchSize", "chunkRows", "priority", "maxRejects", "nullKeys", "columns"}))
                return *e;
            TableOptions opt;
            auto b = positive(t, at, QStringLiteral("batchSize"), 0, 10'000'000);
            if (!b)
                return b.error();
            opt.batchSize = int(*b);
            auto c = positive(t, at, QStringLiteral("chunkRows"), 0, qint64(1) << 50);
            if (!c)
                return c.error();
            opt.chunkRows = *c;
            if (t.contains(QStringLiteral("priority"))) {
                const QJsonValue p = t.value(QStringLiteral("priority"));
                if (!p.isDouble() || p.toDouble() != std::floor(p.toDouble()))
                    return error(at + JsonPath{QStringLiteral("priority")},
                                 QStringLiteral("expected a whole number, got %1").arg(describe(p)));
                opt.priority = p.toInt();
            }
            if (t.contains(QStringLiteral("maxRejects"))) {
                auto m = count(t, at, QStringLiteral("maxRejects"), 0);
                if (!m)
                    return m.error();
                opt.maxRejects = int(*m);
            }
            if (t.contains(QStringLiteral("nullKeys"))) {
                auto n = choice(t, at, QStringLiteral("nullKeys"), {QStringLiteral("dropKey"), QStringLiteral("reject")});
                if (!n)
                    return n.error();
                opt.nullKeys = *n == 1 ? NullKeys::Reject : NullKeys::DropKey;
            }
            if (auto r = readColumns(t, at, plan.target.engine, opt); !r)
                return r.error();
            plan.tableOptions.insert(it.key(), opt);
        }
        return {};
    }

    // "columns": {"<column>": {"type": "<target type>"}}; the type must be one the target
    // engine knows, so a typo stops the plan here rather than the table later.
    Status readColumns(const QJsonObject &t, const JsonPath &at, EngineKind target, TableOptions &opt) const
    {
        const QString key = QStringLiteral("columns");
        if (!t.contains(key))
            return {};
        const QJsonValue v = t.value(key);
        if (!v.isObject())
            return error(at + JsonPath{key}, QStringLiteral("expected an object keyed by column name, got %1")
                                                 .arg(describe(v)));
        const QJsonObject columns = v.toObject();
        for (auto it = columns.begin(); it != columns.end(); ++it) {
            const JsonPath colAt = at + JsonPath{key, it.key()};
            if (!it.value().isObject())
                return error(colAt, QStringLiteral("expected {\"type\": \"<target type>\"}, got %1")
                                        .arg(describe(it.value())));
            const QJsonObject c = it.value().toObject();
            if (auto e = checkKeys(c, colAt, {"type"}))
                return *e;
            auto type = string(c, colAt, QStringLiteral("type"), true);
            if (!type)
                return type.error();
            if (!parseTypeName(target, *type))
                return error(colAt + JsonPath{QStringLiteral("type")},
                             QStringLiteral("expected a %1 type such as numeric(12,2), date, timestamp, text or "
                                            "bigint, got \"%2\"")
                                 .arg(target == EngineKind::PostgreSQL ? QStringLiteral("PostgreSQL")
                                      : target == EngineKind::MySQL    ? QStringLiteral("MariaDB/MySQL")
                                                                       : QStringLiteral("SQLite"),
                                      *type));
            opt.columnTypes.insert(it.key(), *type);
        }
        return {};
    }

    const QByteArray &m_json;
    QString m_path;
};

} // namespace

Result<Plan> parsePlan(const QByteArray &json, const QString &path)
{
    return PlanReader(json, path).read();
}

Result<Plan> loadPlan(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("cannot read plan file \"%1\": %2").arg(path, f.errorString()));
    return parsePlan(f.readAll(), path);
}

} // namespace cockpit
