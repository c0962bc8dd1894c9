#include "plan/jsonlocator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>

namespace cockpit {
namespace {

// A minimal scanner over text that QJsonDocument already accepted: it only skips.
struct Scanner {
    const QByteArray &s;
    int i = 0;

    void ws()
    {
        while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
            ++i;
    }
    // Returns the decoded string at i (which must be at a quote) and moves past it.
    QString string()
    {
        const int start = i;
        ++i;
        while (i < s.size() && s[i] != '"')
            i += (s[i] == '\\') ? 2 : 1;
        ++i;
        // Let Qt decode escapes: wrap the literal in an array.
        const auto doc = QJsonDocument::fromJson("[" + s.mid(start, i - start) + "]");
        return doc.array().at(0).toString();
    }
    void skipValue()
    {
        ws();
        if (i >= s.size())
            return;
        const char c = s[i];
        if (c == '"') {
            string();
        } else if (c == '{' || c == '[') {
            int depth = 0;
            while (i < s.size()) {
                const char d = s[i];
                if (d == '"') {
                    string();
                    continue;
                }
                if (d == '{' || d == '[')
                    ++depth;
                else if (d == '}' || d == ']') {
                    if (--depth == 0) {
                        ++i;
                        return;
                    }
                }
                ++i;
            }
        } else {
            while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' '
                   && s[i] != '\n' && s[i] != '\r' && s[i] != '\t')
                ++i;
        }
    }
};

} // namespace

int locateJsonValue(const QByteArray &json, const JsonPath &path)
{
    Scanner sc{json};
    if (json.startsWith("\xEF\xBB\xBF")) // QJsonDocument skips a UTF-8 byte order mark
        sc.i = 3;
    sc.ws();
    for (const QVariant &step : path) {
        sc.ws();
        if (sc.i >= json.size())
            return -1;
        if (step.typeId() == QMetaType::QString) {
            if (json[sc.i] != '{')
                return -1;
            ++sc.i;
            // A key given twice: QJsonDocument keeps the last value, so that is the one to name.
            int found = -1;
            while (true) {
                sc.ws();
                if (sc.i >= json.size() || json[sc.i] == '}')
                    break;
                const QString key = sc.string();
                sc.ws();
                ++sc.i; // ':'
                sc.ws();
                if (key == step.toString())
                    found = sc.i;
                sc.skipValue();
                sc.ws();
                if (sc.i < json.size() && json[sc.i] == ',')
                    ++sc.i;
            }
            if (found < 0)
                return -1;
            sc.i = found;
        } else {
            if (json[sc.i] != '[')
                return -1;
            ++sc.i;
            const int wanted = step.toInt();
            for (int k = 0; k < wanted; ++k) {
                sc.ws();
                if (sc.i >= json.size() || json[sc.i] == ']')
                    return -1;
                sc.skipValue();
                sc.ws();
                if (sc.i < json.size() && json[sc.i] == ',')
                    ++sc.i;
            }
            sc.ws();
            if (sc.i >= json.size() || json[sc.i] == ']')
                return -1;
        }
    }
    sc.ws();
    return sc.i;
}

TextPosition textPosition(const QByteArray &text, int offset)
{
    TextPosition p;
    for (int k = 0; k < offset && k < text.size(); ++k) {
        if (text[k] == '\n') {
            ++p.line;
            p.column = 1;
        } else if ((static_cast<unsigned char>(text[k]) & 0xC0) != 0x80) {
            ++p.column; // count characters, not UTF-8 continuation bytes
        }
    }
    return p;
}

} // namespace cockpit
