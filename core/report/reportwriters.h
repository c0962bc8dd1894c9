#pragma once
// A run's report as a file: one self-contained HTML page (inline CSS, printable), CSV (one row
// per task, RFC 4180) or JSON. Times are UTC ISO 8601; numbers in CSV and JSON are plain.

#include "report/runreport.h"

#include <QByteArray>
#include <optional>

namespace cockpit {

enum class ReportFormat { Html, Csv, Json };

QByteArray toHtml(const RunReport &report);
QByteArray toCsv(const RunReport &report);
QByteArray toJson(const RunReport &report);
QByteArray render(const RunReport &report, ReportFormat format);

// "html", "csv", "json" (any case).
std::optional<ReportFormat> reportFormatFromName(const QString &name);
// By the file's extension: report.htm[l], report.csv, report.json.
std::optional<ReportFormat> reportFormatForFile(const QString &path);

// Reads the report of `statePath` and writes it to `outPath` in `format`.
Status writeRunReport(const QString &statePath, const QString &outPath, ReportFormat format);

} // namespace cockpit
