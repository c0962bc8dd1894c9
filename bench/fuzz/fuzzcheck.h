#pragma once
// What every fuzz target asserts beyond "no crash": a broken promise aborts, so libFuzzer keeps
// the input as a crash artifact just as it does for a sanitizer report.

#include <QByteArray>
#include <QString>
#include <cstdio>
#include <cstdlib>

namespace cockpit::fuzz {

[[noreturn]] inline void broken(const char *promise, const QString &message)
{
    std::fprintf(stderr, "fuzz: %s: \"%s\"\n", promise, message.toUtf8().constData());
    std::abort();
}

inline void require(bool ok, const char *promise, const QString &message = {})
{
    if (!ok)
        broken(promise, message);
}

} // namespace cockpit::fuzz
