#pragma once
// File > New upgrade: the source and target connections, then the tables to copy (ticked in
// a list the source's introspection fills on a worker thread, with row counts and sizes), the
// batch groups' threads and the copy options. "Save plan..." writes plan.json and the dialog
// hands the plan back for the window to open. Passwords go to credentials (memory only).

#include "plan/plan.h"
#include "ui/asyncjob.h"
#include "util/result.h"

#include <QDialog>
#include <optional>

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSortFilterProxyModel;
class QSpinBox;
class QStandardItemModel;
class QTableView;

namespace cockpit {

class ConnectionForm;

class NewUpgradeDialog final : public QDialog {
    Q_OBJECT
public:
    enum Column { NameColumn, RowsColumn, SizeColumn, ColumnCount };

    explicit NewUpgradeDialog(QWidget *parent = nullptr);

    // Starts from an existing plan's connections and options (the tables load once the
    // source connects).
    void setStartingPlan(const Plan &plan);

    // Introspects the source on a worker thread; tablesLoaded() tells the outcome.
    void loadTables();
    bool isLoading() const { return m_listing.isRunning(); }

    QStringList tableNames() const; // every listed table, in the source's order
    QStringList checkedTables() const;
    void setTableChecked(const QString &table, bool checked);
    // Ticks or unticks every table the search shows.
    void setVisibleChecked(bool checked);

    // The plan the fields describe, to be saved as `path`; an error names the field to fix.
    Result<Plan> buildPlan(const QString &path) const;
    // Writes the plan to `path`, reads it back as the window will, and keeps it as plan().
    Result<Plan> savePlan(const QString &path);
    const Plan &plan() const { return m_plan; }

    ConnectionForm *sourceForm() const { return m_sourceForm; }
    ConnectionForm *targetForm() const { return m_targetForm; }
    QLineEdit *searchEdit() const { return m_search; }
    QSortFilterProxyModel *tableProxy() const { return m_proxy; }
    QTableView *tableView() const { return m_tables; }
    QLabel *messageLabel() const { return m_message; }
    QSpinBox *threadsBox(int group) const { return m_threads[group]; }

signals:
    void tablesLoaded(bool ok, const QString &error);

private:
    struct TableRow {
        QString name;
        qint64 rows = 0;
        qint64 bytes = -1; // -1: unknown
    };
    struct Listing {
        QVector<TableRow> tables;
        QString error;
    };

    QWidget *createTablePicker();
    QWidget *createOptions();
    void onSourceChanged();
    void onListed(const Listing &listing);
    void updateSummary();
    void saveWithDialog();
    void showMessage(bool error, const QString &text);

    ConnectionForm *m_sourceForm = nullptr;
    ConnectionForm *m_targetForm = nullptr;
    QStandardItemModel *m_model = nullptr;
    QSortFilterProxyModel *m_proxy = nullptr;
    QTableView *m_tables = nullptr;
    QLineEdit *m_search = nullptr;
    QLabel *m_summary = nullptr;
    QLabel *m_message = nullptr;
    QSpinBox *m_threads[2] = {};
    QSpinBox *m_batchSize = nullptr;
    QSpinBox *m_chunkRows = nullptr;
    QComboBox *m_ifExists = nullptr;
    QPushButton *m_saveButton = nullptr;
    AsyncJob m_listing{this}; // superseded when the source changes: a late listing is dropped
    std::optional<Plan> m_startingPlan; // its table choice is applied when the tables load
    Plan m_plan;
};

} // namespace cockpit
