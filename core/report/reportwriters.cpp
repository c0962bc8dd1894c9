#include "report/reportwriters.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QSaveFile>
#include <algorithm>

namespace cockpit {

namespace {

QString isoUtc(const QDateTime &d) { return d.isValid() ? d.toUTC().toString(Qt::ISODateWithMs) : QString(); }

QString fixed(double v, int decimals) { return QString::number(v, 'f', decimals); }

// --- CSV ------------------------------------------------------------------------------------

// RFC 4180: a field with a comma, a quote or a line break is quoted, its quotes doubled.
QString csvField(const QString &s)
{
    if (!s.contains(u',') && !s.contains(u'"') && !s.contains(u'\n') && !s.contains(u'\r'))
        return s;
    return u'"' + QString(s).replace(QStringLiteral("\""), QStringLiteral("\"\"")) + u'"';
}

QString overridesOf(const RunReport &report, const QString &task)
{
    QStringList out;
    for (const auto &o : report.overrides)
        if (o.task == task)
            out << QStringLiteral("%1 %2 (%3 -> %4)").arg(isoUtc(o.at), o.action, o.fromState, o.toState);
    return out.join(QStringLiteral("; "));
}

// --- HTML -----------------------------------------------------------------------------------

QString esc(const QString &s) { return s.toHtmlEscaped(); }

QString grouped(qint64 n) { return QLocale(QLocale::English).toString(n); }

QString duration(double seconds)
{
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(fixed(seconds, 1));
    const qint64 s = qint64(seconds + 0.5);
    if (s < 3600)
        return QStringLiteral("%1 min %2 s").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QStringLiteral("%1 h %2 min").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

QString bytesText(qint64 b)
{
    if (b <= 0)
        return {};
    return QLocale(QLocale::English).formattedDataSize(b, 1, QLocale::DataSizeSIFormat);
}

QString dateTimeText(const QDateTime &d)
{
    return d.isValid() ? d.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QStringLiteral(" UTC") : QStringLiteral("\u2014");
}

// In a task row: the time of day, with the date when it is not the run's first day.
QString timeText(const QDateTime &d, const QDateTime &runStart)
{
    if (!d.isValid())
        return {};
    const QDateTime u = d.toUTC();
    if (runStart.isValid() && u.date() == runStart.toUTC().date())
        return u.toString(QStringLiteral("HH:mm:ss"));
    return u.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

const char kCss[] = R"(
body{font-family:"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:24px;color:#1d1d1f;font-size:14px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:16px;margin:28px 0 8px;border-bottom:2px solid #d0d7de;padding-bottom:4px}
.sub{color:#57606a;margin:0 0 12px}
table.meta td{padding:1px 16px 1px 0;vertical-align:top}
table.meta td:first-child{color:#57606a;white-space:nowrap}
.verdict{display:inline-block;margin:12px 0 4px;padding:6px 12px;border-radius:4px;font-weight:bold;border:1px solid}
.verdict.ok{color:#1a7f37;background:#dafbe1;border-color:#1a7f37}
.verdict.bad{color:#a40e26;background:#ffebe9;border-color:#a40e26}
.verdict.open{color:#7d4e00;background:#fff8c5;border-color:#7d4e00}
table.cards{border-collapse:separate;border-spacing:8px 0;margin:12px -8px}
td.card{border:1px solid #d0d7de;border-radius:4px;padding:6px 12px;min-width:84px}
td.card span{color:#57606a;font-size:12px}
td.card b{font-size:18px}
td.card.Error{border-color:#a40e26;color:#a40e26}
table.tasks{border-collapse:collapse;width:100%;font-size:12px}
table.tasks th,table.tasks td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top}
table.tasks th{background:#f6f8fa}
td.num,th.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
td.msg{word-break:break-word}
td.nw{white-space:nowrap}
td.mono,.mono{font-family:Consolas,"DejaVu Sans Mono",monospace}
tr.Error td{background:#ffebe9}
tr.Error td.state{color:#a40e26;font-weight:bold}
.err{white-space:pre-wrap;font-family:Consolas,"DejaVu Sans Mono",monospace;font-size:12px;background:#ffebe9;border-left:4px solid #a40e26;padding:6px 8px;margin:4px 0 12px}
.bad{color:#a40e26;font-weight:bold}
.good{color:#1a7f37}
@media print{body{margin:0;font-size:11px}table.tasks{font-size:10px}h2{break-after:avoid}tr{break-inside:avoid}
thead{display:table-header-group}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
)";

QString stateText(const ReportTask &t)
{
    if (t.skipped)
        return QStringLiteral("Skipped");
    return toString(t.state);
}

QString validationCell(const ReportTask &t)
{
    if (!t.validation)
        return {};
    const ReportValidation &v = *t.validation;
    if (v.equal())
        return QStringLiteral("<span class=\"good\">\u2714 equal</span> %1 rows, <span class=\"mono\">%2</span>")
            .arg(grouped(v.sourceRows), v.sourceChecksum);
    return QStringLiteral("<span class=\"bad\">\u2716 DIFFERENT</span><br>source %1 rows, <span class=\"mono\">%2</span>"
                          "<br>target %3 rows, <span class=\"mono\">%4</span>")
        .arg(grouped(v.sourceRows), v.sourceChecksum, grouped(v.targetRows), v.targetChecksum);
}

QString rowsText(const ReportTask &t)
{
    if (t.rowsTotal > 0 && t.rowsTotal != t.rowsDone && t.state != TaskState::Ended)
        return QStringLiteral("%1 / %2").arg(grouped(t.rowsDone), grouped(t.rowsTotal));
    return t.rowsDone > 0 || t.kind == TaskKind::Copy ? grouped(t.rowsDone) : QString();
}

// One phase's tasks. Columns no task of the phase fills (bytes of a SQLite transfer, rows of
// a prepare) are left out, so the table fits a printed page. `align` attributes beside the
// CSS: Qt's rich text (and some mail clients) read only those.
QString phaseTable(const RunReport &report, const QString &phase)
{
    QVector<const ReportTask *> tasks;
    for (const auto &t : report.tasks)
        if (t.phase() == phase)
            tasks << &t;
    auto any = [&tasks](auto has) { return std::any_of(tasks.begin(), tasks.end(), [&](const ReportTask *t) { return has(*t); }); };
    const bool rows = any([](const ReportTask &t) { return !rowsText(t).isEmpty(); });
    const bool bytes = any([](const ReportTask &t) { return t.bytes > 0; });
    const bool rate = any([](const ReportTask &t) { return t.rowsPerSecond() > 0; });
    const bool checksums = any([](const ReportTask &t) { return t.validation.has_value(); });

    const QString num = QStringLiteral("<th class=\"num\" align=\"right\">%1</th>");
    QString h = QStringLiteral("<h2>%1 (%2)</h2>\n<table class=\"tasks\" width=\"100%\" cellspacing=\"0\"><thead><tr>"
                               "<th>Task</th><th>Group</th><th>State</th>")
                    .arg(esc(phase), QString::number(tasks.size()));
    if (rows)
        h += num.arg(QStringLiteral("Rows"));
    if (bytes)
        h += num.arg(QStringLiteral("Bytes"));
    h += QStringLiteral("<th>Started</th><th>Ended</th>") + num.arg(QStringLiteral("Seconds"));
    if (rate)
        h += num.arg(QStringLiteral("Rows/s"));
    h += num.arg(QStringLiteral("Attempts"));
    if (checksums)
        h += QStringLiteral("<th>Checksums</th>");
    h += QStringLiteral("<th>Message</th></tr></thead><tbody>\n");

    const QString numCell = QStringLiteral("<td class=\"num\" align=\"right\">%1</td>");
    for (const ReportTask *t : tasks) {
        const bool error = t->state == TaskState::Error;
        h += QStringLiteral("<tr class=\"%1\"%2><td class=\"mono nw\">%3</td><td>%4</td><td class=\"state\">%5</td>")
                 .arg(toString(t->state), error ? QStringLiteral(" bgcolor=\"#ffebe9\"") : QString(), esc(t->name),
                      esc(t->group), error ? QStringLiteral("<b>\u2716 Error</b>") : esc(stateText(*t)));
        if (rows)
            h += numCell.arg(rowsText(*t));
        if (bytes)
            h += numCell.arg(bytesText(t->bytes));
        h += QStringLiteral("<td class=\"nw\">%1</td><td class=\"nw\">%2</td>")
                 .arg(timeText(t->startedAt, report.startedAt), timeText(t->endedAt, report.startedAt));
        h += numCell.arg(t->attempts > 0 ? fixed(t->seconds, 1) : QString());
        if (rate)
            h += numCell.arg(t->rowsPerSecond() > 0 ? grouped(qint64(t->rowsPerSecond())) : QString());
        h += numCell.arg(t->attempts);
        if (checksums)
            h += QStringLiteral("<td class=\"nw\">%1</td>").arg(validationCell(*t));
        h += QStringLiteral("<td class=\"msg\">%1</td></tr>\n").arg(esc(t->message));
    }
    return h + QStringLiteral("</tbody></table>\n");
}

QJsonValue jsonDate(const QDateTime &d) { return d.isValid() ? QJsonValue(isoUtc(d)) : QJsonValue(); }

} // namespace

QByteArray toCsv(const RunReport &report)
{
    const QStringList header{
        QStringLiteral("task"), QStringLiteral("kind"), QStringLiteral("phase"), QStringLiteral("table"),
        QStringLiteral("group"), QStringLiteral("state"), QStringLiteral("skipped"), QStringLiteral("rows_done"),
        QStringLiteral("rows_total"), QStringLiteral("bytes"), QStringLiteral("started_at"), QStringLiteral("ended_at"),
        QStringLiteral("seconds"), QStringLiteral("rows_per_second"), QStringLiteral("attempts"),
        QStringLiteral("source_rows"), QStringLiteral("target_rows"), QStringLiteral("source_checksum"),
        QStringLiteral("target_checksum"), QStringLiteral("checksums_equal"), QStringLiteral("error"),
        QStringLiteral("message"), QStringLiteral("overrides")};
    QString out = header.join(u',') + QStringLiteral("\r\n");
    for (const auto &t : report.tasks) {
        const auto &v = t.validation;
        const QStringList fields{
            t.name, toString(t.kind), t.phase(), t.table, t.group, toString(t.state),
            t.skipped ? QStringLiteral("true") : QStringLiteral("false"), QString::number(t.rowsDone),
            QString::number(t.rowsTotal), QString::number(t.bytes), isoUtc(t.startedAt), isoUtc(t.endedAt),
            fixed(t.seconds, 3), fixed(t.rowsPerSecond(), 1), QString::number(t.attempts),
            v ? QString::number(v->sourceRows) : QString(), v ? QString::number(v->targetRows) : QString(),
            v ? v->sourceChecksum : QString(), v ? v->targetChecksum : QString(),
            v ? (v->equal() ? QStringLiteral("true") : QStringLiteral("false")) : QString(), t.error(), t.message,
            overridesOf(report, t.name)};
        QStringList quoted;
        for (const auto &f : fields)
            quoted << csvField(f);
        out += quoted.join(u',') + QStringLiteral("\r\n");
    }
    return out.toUtf8();
}

QByteArray toJson(const RunReport &report)
{
    QJsonObject counts;
    for (int s = 0; s < TaskStateCount; ++s)
        counts[toString(TaskState(s))] = report.count(TaskState(s));
    QJsonArray tasks;
    for (const auto &t : report.tasks) {
        QJsonObject o{{QStringLiteral("task"), t.name},
                      {QStringLiteral("kind"), toString(t.kind)},
                      {QStringLiteral("phase"), t.phase()},
                      {QStringLiteral("table"), t.table},
                      {QStringLiteral("group"), t.group},
                      {QStringLiteral("state"), toString(t.state)},
                      {QStringLiteral("skipped"), t.skipped},
                      {QStringLiteral("rowsDone"), t.rowsDone},
                      {QStringLiteral("rowsTotal"), t.rowsTotal},
                      {QStringLiteral("bytes"), t.bytes},
                      {QStringLiteral("startedAt"), jsonDate(t.startedAt)},
                      {QStringLiteral("endedAt"), jsonDate(t.endedAt)},
                      {QStringLiteral("seconds"), t.seconds},
                      {QStringLiteral("rowsPerSecond"), t.rowsPerSecond()},
                      {QStringLiteral("attempts"), t.attempts},
                      {QStringLiteral("message"), t.message},
                      {QStringLiteral("error"), t.state == TaskState::Error ? QJsonValue(t.message) : QJsonValue()}};
        if (t.validation)
            o[QStringLiteral("validation")] = QJsonObject{{QStringLiteral("sourceRows"), t.validation->sourceRows},
                                                          {QStringLiteral("targetRows"), t.validation->targetRows},
                                                          {QStringLiteral("sourceChecksum"), t.validation->sourceChecksum},
                                                          {QStringLiteral("targetChecksum"), t.validation->targetChecksum},
                                                          {QStringLiteral("equal"), t.validation->equal()}};
        tasks.append(o);
    }
    QJsonArray overrides;
    for (const auto &o : report.overrides)
        overrides.append(QJsonObject{{QStringLiteral("at"), jsonDate(o.at)},
                                     {QStringLiteral("task"), o.task},
                                     {QStringLiteral("who"), o.who},
                                     {QStringLiteral("action"), o.action},
                                     {QStringLiteral("fromState"), o.fromState},
                                     {QStringLiteral("toState"), o.toState}});
    const QJsonObject root{
        {QStringLiteral("run"), QJsonObject{{QStringLiteral("plan"), report.planName},
                                            {QStringLiteral("source"), report.source},
                                            {QStringLiteral("target"), report.target},
                                            {QStringLiteral("runId"), report.runId},
                                            {QStringLiteral("stateFile"), report.statePath},
                                            {QStringLiteral("createdAt"), jsonDate(report.createdAt)},
                                            {QStringLiteral("startedAt"), jsonDate(report.startedAt)},
                                            {QStringLiteral("endedAt"), jsonDate(report.endedAt)},
                                            {QStringLiteral("generatedAt"), jsonDate(report.generatedAt)}}},
        {QStringLiteral("summary"), QJsonObject{{QStringLiteral("tasks"), int(report.tasks.size())},
                                                {QStringLiteral("states"), counts},
                                                {QStringLiteral("copiedRows"), report.copiedRows()},
                                                {QStringLiteral("wallSeconds"), report.wallSeconds()},
                                                {QStringLiteral("rowsPerSecond"), report.rowsPerSecond()}}},
        {QStringLiteral("tasks"), tasks},
        {QStringLiteral("overrides"), overrides}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QByteArray toHtml(const RunReport &report)
{
    const int errors = report.count(TaskState::Error);
    const int ended = report.count(TaskState::Ended);
    const int total = int(report.tasks.size());
    QString verdict;
    if (errors > 0)
        verdict = QStringLiteral("<div class=\"verdict bad\">\u2716 %1 of %2 tasks failed</div>").arg(errors).arg(total);
    else if (ended == total)
        verdict = QStringLiteral("<div class=\"verdict ok\">\u2714 All %1 tasks ended</div>").arg(total);
    else
        verdict = QStringLiteral("<div class=\"verdict open\">\u25cb %1 of %2 tasks not ended yet</div>").arg(total - ended).arg(total);

    QString h = QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                               "<title>Upgrade report: %1</title>\n<style>%2</style></head><body>\n")
                    .arg(esc(report.title()), QString::fromLatin1(kCss));
    h += QStringLiteral("<h1>Data upgrade report</h1>\n<p class=\"sub\">%1</p>\n")
             .arg(esc(report.planName.isEmpty() ? report.title() : report.planName));
    h += QStringLiteral("<table class=\"meta\">"
                        "<tr><td>Source</td><td class=\"mono\">%1</td></tr><tr><td>Target</td><td class=\"mono\">%2</td></tr>"
                        "<tr><td>Planned</td><td>%3</td></tr><tr><td>Started</td><td>%4</td></tr>"
                        "<tr><td>Ended</td><td>%5</td></tr><tr><td>Run id</td><td class=\"mono\">%6</td></tr>"
                        "<tr><td>State file</td><td class=\"mono\">%7</td></tr><tr><td>Report written</td><td>%8</td></tr>"
                        "</table>\n")
             .arg(esc(report.source), esc(report.target), dateTimeText(report.createdAt), dateTimeText(report.startedAt),
                  dateTimeText(report.endedAt), esc(report.runId), esc(report.statePath), dateTimeText(report.generatedAt));
    h += verdict;

    // A table, not a flex box: it also lays out in mail clients and Qt's rich text.
    h += QStringLiteral("<table class=\"cards\"><tr>");
    auto card = [&h](const QString &label, const QString &value, const QString &cls = {}) {
        h += QStringLiteral("<td class=\"card %1\"><span>%2</span><br><b>%3</b></td>").arg(cls, esc(label), esc(value));
    };
    card(QStringLiteral("Tasks"), grouped(total));
    for (int s = 0; s < TaskStateCount; ++s) {
        const TaskState state = TaskState(s);
        const int n = report.count(state);
        if (n > 0 || state == TaskState::Ended || state == TaskState::Error)
            card(toString(state), grouped(n), n > 0 && state == TaskState::Error ? toString(state) : QString());
    }
    const int skipped = int(std::count_if(report.tasks.begin(), report.tasks.end(), [](const ReportTask &t) { return t.skipped; }));
    if (skipped > 0)
        card(QStringLiteral("Skipped (Ended)"), grouped(skipped));
    card(QStringLiteral("Rows copied"), grouped(report.copiedRows()));
    card(QStringLiteral("Wall time"), report.wallSeconds() > 0 ? duration(report.wallSeconds()) : QStringLiteral("\u2014"));
    card(QStringLiteral("Rows/s"), report.rowsPerSecond() > 0 ? grouped(qint64(report.rowsPerSecond())) : QStringLiteral("\u2014"));
    h += QStringLiteral("</tr></table>\n");

    if (errors > 0) {
        h += QStringLiteral("<h2>Errors</h2>\n");
        for (const auto &t : report.tasks)
            if (t.state == TaskState::Error)
                h += QStringLiteral("<div><b class=\"mono\">%1</b> (attempt %2)</div><div class=\"err\">%3</div>\n")
                         .arg(esc(t.name), QString::number(t.attempts), esc(t.message));
    }
    if (!report.overrides.isEmpty()) {
        h += QStringLiteral("<h2>Administrator actions</h2>\n<table class=\"tasks\"><thead><tr><th>When</th><th>Who</th>"
                            "<th>Task</th><th>What</th><th>State</th></tr></thead><tbody>\n");
        for (const auto &o : report.overrides)
            h += QStringLiteral("<tr><td>%1</td><td>%2</td><td class=\"mono\">%3</td><td>%4</td><td>%5 \u2192 %6</td></tr>\n")
                     .arg(dateTimeText(o.at), esc(o.who), esc(o.task), esc(o.action), esc(o.fromState), esc(o.toState));
        h += QStringLiteral("</tbody></table>\n");
    }
    for (const QString &phase : report.phases())
        h += phaseTable(report, phase);
    h += QStringLiteral("</body></html>\n");
    return h.toUtf8();
}

QByteArray render(const RunReport &report, ReportFormat format)
{
    switch (format) {
    case ReportFormat::Html: return toHtml(report);
    case ReportFormat::Csv: return toCsv(report);
    case ReportFormat::Json: return toJson(report);
    }
    return {};
}

std::optional<ReportFormat> reportFormatFromName(const QString &name)
{
    const QString n = name.toLower();
    if (n == QLatin1String("html") || n == QLatin1String("htm"))
        return ReportFormat::Html;
    if (n == QLatin1String("csv"))
        return ReportFormat::Csv;
    if (n == QLatin1String("json"))
        return ReportFormat::Json;
    return std::nullopt;
}

std::optional<ReportFormat> reportFormatForFile(const QString &path)
{
    return reportFormatFromName(QFileInfo(path).suffix());
}

Status writeRunReport(const QString &statePath, const QString &outPath, ReportFormat format)
{
    auto report = readRunReport(statePath);
    if (!report)
        return report.error();
    QSaveFile file(outPath);
    if (!file.open(QIODevice::WriteOnly))
        return makeError(QStringLiteral("cannot write the report %1: %2").arg(outPath, file.errorString()));
    file.write(render(*report, format));
    if (!file.commit())
        return makeError(QStringLiteral("cannot write the report %1: %2").arg(outPath, file.errorString()));
    return {};
}

} // namespace cockpit
