#include "scripts/scriptfolder.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMap>
#include <QStringDecoder>

#include <algorithm>

namespace cockpit {

namespace {

// The files one script name has, by engine; `generic` is "x.sql".
struct Variants {
    QString name; // as the first file spelled it
    QString generic;
    QMap<EngineKind, QString> byEngine;
};

Result<QString> readUtf8(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError(QStringLiteral("%1: cannot read: %2").arg(QFileInfo(path).fileName(), file.errorString()));
    QStringDecoder decode(QStringDecoder::Utf8);
    const QString text = decode(file.readAll());
    if (decode.hasError())
        return makeError(QStringLiteral("%1: not UTF-8 text").arg(QFileInfo(path).fileName()));
    return text;
}

// The folder and its .sql files grouped by script name (lower-cased: sorted, case-insensitive).
struct ScriptFiles {
    QDir folder;
    QMap<QString, Variants> byName;
};

Result<ScriptFiles> scriptFiles(const QString &dir)
{
    const QFileInfo info(dir);
    if (!info.exists())
        return makeError(QStringLiteral("scripts folder %1 does not exist").arg(dir));
    if (!info.isDir())
        return makeError(QStringLiteral("scripts folder %1 is not a folder").arg(dir));
    if (!info.isReadable())
        return makeError(QStringLiteral("scripts folder %1 cannot be read").arg(dir));
    ScriptFiles out{QDir(info.absoluteFilePath()), {}};
    const QStringList files = out.folder.entryList({QStringLiteral("*.sql")}, QDir::Files, QDir::Name);
    for (const QString &file : files) {
        const ScriptFileName parsed = scriptFileName(file);
        Variants &v = out.byName[parsed.name.toLower()];
        if (v.name.isEmpty())
            v.name = parsed.name;
        QString &slot = parsed.engine ? v.byEngine[*parsed.engine] : v.generic;
        if (!slot.isEmpty())
            return makeError(QStringLiteral("%1 and %2 both give script '%3'%4: keep one")
                                 .arg(slot, file, parsed.name,
                                      parsed.engine ? QStringLiteral(" for ") + toString(*parsed.engine) : QString()));
        slot = file;
    }
    return out;
}

Result<ScriptFile> readScript(const QDir &folder, const QString &file, EngineKind target)
{
    const QString path = folder.absoluteFilePath(file);
    auto text = readUtf8(path);
    if (!text)
        return text.error();
    return parseScriptFile(path, *text, target);
}

} // namespace

Result<ScriptFile> loadScript(const QString &dir, const QString &name, EngineKind target)
{
    auto files = scriptFiles(dir);
    if (!files)
        return files.error();
    const Variants v = files->byName.value(name.toLower());
    const QString chosen = v.byEngine.value(target, v.generic);
    if (chosen.isEmpty())
        return makeError(QStringLiteral("script '%1': no file %1.sql or %1.%2.sql in %3 any more")
                             .arg(name, toString(target), files->folder.absolutePath()));
    auto script = readScript(files->folder, chosen, target);
    if (script && !script->runsOn(target))
        return makeError(QStringLiteral("%1: its engine header leaves out %2 now").arg(chosen, toString(target)));
    return script;
}

Result<ScriptFolder> loadScriptFolder(const QString &dir, EngineKind target)
{
    auto files = scriptFiles(dir);
    if (!files)
        return files.error();

    ScriptFolder result;
    for (const Variants &v : std::as_const(files->byName)) {
        const QString chosen = v.byEngine.value(target, v.generic);
        QList<EngineKind> engines = v.byEngine.keys(); // the engines the script is for, when not ours
        if (!chosen.isEmpty()) {
            auto script = readScript(files->folder, chosen, target);
            if (!script)
                return script.error();
            if (script->runsOn(target)) {
                result.scripts.append(*script);
                continue;
            }
            for (EngineKind e : script->engines) {
                if (!engines.contains(e))
                    engines.append(e);
            }
            std::sort(engines.begin(), engines.end());
        }
        QStringList names;
        for (EngineKind e : engines)
            names.append(toString(e));
        result.notForThisEngine.append(QStringLiteral("%1 (%2 only)").arg(v.name, names.join(QStringLiteral(", "))));
    }
    return result;
}

} // namespace cockpit
