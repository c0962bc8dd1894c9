#pragma once
// One side of an upgrade (source or target) as the administrator types it: the engine, a
// SQLite file or a server (host, port, database, PostgreSQL schema, user, password), and
// "Test connection", which connects on a worker thread and shows the outcome in one line.
// The password stays in this form and in credentials (process memory only): never in the
// ConnectionUrl, the plan or QSettings.

#include "plan/connectionurl.h"
#include "ui/asyncjob.h"
#include "util/result.h"

#include <QGroupBox>

class QComboBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace cockpit {

class ConnectionForm final : public QGroupBox {
    Q_OBJECT
public:
    enum class Side { Source, Target };

    explicit ConnectionForm(Side side, QWidget *parent = nullptr);

    Side side() const { return m_side; }
    // What the fields say, or a one-line reason they do not name a database yet.
    Result<ConnectionUrl> url() const;
    void setUrl(const ConnectionUrl &url);
    QString password() const;
    void setPassword(const QString &password);
    // Hands the typed password to credentials (memory only) for this server; an empty field
    // forgets a typed one, so PGPASSWORD, ~/.pgpass or MYSQL_PWD apply again.
    void rememberPassword() const;

    // Connects on a worker thread; tested() tells the outcome, the status line shows it.
    void testConnection();
    bool isTesting() const { return m_test.isRunning(); }
    QString statusText() const;

    // For tests and the dialog's layout.
    QComboBox *engineBox() const { return m_engine; }
    QLineEdit *fileEdit() const { return m_file; }
    QLineEdit *hostEdit() const { return m_host; }
    QSpinBox *portBox() const { return m_port; }
    QLineEdit *databaseEdit() const { return m_database; }
    QLineEdit *schemaEdit() const { return m_schema; }
    QLineEdit *userEdit() const { return m_user; }
    QLineEdit *passwordEdit() const { return m_password; }
    QPushButton *testButton() const { return m_testButton; }

signals:
    // A field changed: an earlier test no longer applies.
    void changed();
    // The outcome of the latest testConnection() for the fields as they still are.
    void tested(bool ok, const QString &message);

private:
    struct TestOutcome {
        bool ok = false;
        QString message;
    };

    EngineKind engine() const;
    void onEngineChanged();
    void onFieldChanged();
    void onTested(const TestOutcome &outcome);
    void browse();
    void showStatus(bool ok, const QString &message);

    Side m_side;
    QFormLayout *m_form = nullptr;
    QComboBox *m_engine = nullptr;
    QWidget *m_fileRow = nullptr;
    QLineEdit *m_file = nullptr;
    QLineEdit *m_host = nullptr;
    QSpinBox *m_port = nullptr;
    QLineEdit *m_database = nullptr;
    QLineEdit *m_schema = nullptr;
    QLineEdit *m_user = nullptr;
    QLineEdit *m_password = nullptr;
    QPushButton *m_testButton = nullptr;
    QLabel *m_status = nullptr;
    QLineEdit *m_display = nullptr; // read-only: long URLs scroll instead of widening the dialog
    // The URL's parameters without a field here (TLS: sslmode, ssl-ca, ...), kept from setUrl()
    // for the same engine, so that editing a plan's connection does not drop its TLS.
    EngineKind m_otherParamsEngine = EngineKind::SQLite;
    QMap<QString, QString> m_otherParams;
    AsyncJob m_test{this}; // superseded by every change: a late outcome of old fields is dropped
};

} // namespace cockpit
