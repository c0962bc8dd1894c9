#include "ui/connectionform.h"

#include "engine/credentials.h"
#include "engine/dbconnection.h"

#include <QComboBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace cockpit {

namespace {

int defaultPort(EngineKind kind)
{
    return kind == EngineKind::MySQL ? 3306 : 5432;
}

// Connects to `url` and closes again, all in the calling (worker) thread. A SQLite target that
// does not exist yet is fine when its folder is writable: the run creates it.
QString tryConnect(const ConnectionUrl &url, ConnectionForm::Side side)
{
    if (url.engine == EngineKind::SQLite && side == ConnectionForm::Side::Target
        && !QFileInfo::exists(url.path)) {
        const QFileInfo folder(QFileInfo(url.path).absolutePath());
        if (!folder.isDir())
            return QStringLiteral("folder %1 does not exist").arg(QDir::toNativeSeparators(folder.filePath()));
        if (!folder.isWritable())
            return QStringLiteral("folder %1 is not writable").arg(QDir::toNativeSeparators(folder.filePath()));
        return {};
    }
    const auto mode = side == ConnectionForm::Side::Source ? DbConnection::Mode::ReadOnly
                                                           : DbConnection::Mode::ReadWrite;
    auto c = DbConnection::open(url, mode);
    return c ? QString() : c.error().message;
}

} // namespace

ConnectionForm::ConnectionForm(Side side, QWidget *parent)
    : QGroupBox(side == Side::Source ? tr("Source") : tr("Target"), parent), m_side(side)
{
    setObjectName(side == Side::Source ? QStringLiteral("sourceForm") : QStringLiteral("targetForm"));
    m_form = new QFormLayout(this);
    m_form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);

    m_engine = new QComboBox(this);
    m_engine->setObjectName(QStringLiteral("engine"));
    m_engine->addItem(tr("SQLite file"), int(EngineKind::SQLite));
    m_engine->addItem(tr("PostgreSQL"), int(EngineKind::PostgreSQL));
    m_engine->addItem(tr("MariaDB / MySQL"), int(EngineKind::MySQL));
    m_form->addRow(tr("&Engine:"), m_engine);

    m_fileRow = new QWidget(this);
    auto *fileLayout = new QHBoxLayout(m_fileRow);
    fileLayout->setContentsMargins(0, 0, 0, 0);
    m_file = new QLineEdit(m_fileRow);
    m_file->setObjectName(QStringLiteral("file"));
    m_file->setPlaceholderText(side == Side::Source ? tr("the database file to copy")
                                                    : tr("created if missing"));
    auto *browse = new QPushButton(tr("&Browse\u2026"), m_fileRow);
    fileLayout->addWidget(m_file, 1);
    fileLayout->addWidget(browse);
    m_form->addRow(tr("&File:"), m_fileRow);

    m_host = new QLineEdit(QStringLiteral("localhost"), this);
    m_host->setObjectName(QStringLiteral("host"));
    m_form->addRow(tr("&Host:"), m_host);
    m_port = new QSpinBox(this);
    m_port->setObjectName(QStringLiteral("port"));
    m_port->setRange(1, 65535);
    m_port->setValue(5432);
    m_port->setGroupSeparatorShown(false);
    m_form->addRow(tr("P&ort:"), m_port);
    m_database = new QLineEdit(this);
    m_database->setObjectName(QStringLiteral("database"));
    m_form->addRow(tr("&Database:"), m_database);
    m_schema = new QLineEdit(this);
    m_schema->setObjectName(QStringLiteral("schema"));
    m_schema->setPlaceholderText(QStringLiteral("public"));
    m_form->addRow(tr("&Schema:"), m_schema);
    m_user = new QLineEdit(this);
    m_user->setObjectName(QStringLiteral("user"));
    m_form->addRow(tr("&User:"), m_user);
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setPlaceholderText(tr("empty: PGPASSWORD, ~/.pgpass or MYSQL_PWD"));
    m_password->setToolTip(tr("Kept in memory for this session only: never written to the plan, "
                              "the settings or the log."));
    m_form->addRow(tr("&Password:"), m_password);

    m_display = new QLineEdit(this);
    m_display->setObjectName(QStringLiteral("urlDisplay"));
    m_display->setReadOnly(true);
    m_display->setFrame(false);
    m_display->setFocusPolicy(Qt::ClickFocus);
    m_display->setStyleSheet(QStringLiteral("background: transparent;"));
    m_form->addRow(tr("URL:"), m_display);

    auto *testRow = new QHBoxLayout;
    m_testButton = new QPushButton(tr("&Test connection"), this);
    m_testButton->setObjectName(QStringLiteral("testConnection"));
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("status"));
    m_status->setTextFormat(Qt::PlainText);
    m_status->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    testRow->addWidget(m_testButton);
    testRow->addWidget(m_status, 1);
    m_form->addRow(testRow);

    connect(m_engine, &QComboBox::currentIndexChanged, this, &ConnectionForm::onEngineChanged);
    connect(browse, &QPushButton::clicked, this, &ConnectionForm::browse);
    for (QLineEdit *edit : {m_file, m_host, m_database, m_schema, m_user, m_password})
        connect(edit, &QLineEdit::textChanged, this, &ConnectionForm::onFieldChanged);
    connect(m_port, &QSpinBox::valueChanged, this, &ConnectionForm::onFieldChanged);
    connect(m_testButton, &QPushButton::clicked, this, &ConnectionForm::testConnection);
    onEngineChanged();
}

EngineKind ConnectionForm::engine() const
{
    return EngineKind(m_engine->currentData().toInt());
}

Result<ConnectionUrl> ConnectionForm::url() const
{
    const QString side = m_side == Side::Source ? tr("source") : tr("target");
    ConnectionUrl url;
    url.engine = engine();
    if (url.engine == EngineKind::SQLite) {
        const QString file = m_file->text().trimmed();
        if (file.isEmpty())
            return makeError(tr("%1: choose the SQLite file").arg(side));
        if (!QFileInfo(file).isAbsolute())
            return makeError(tr("%1: the SQLite file needs an absolute path: %2").arg(side, file));
        url.path = QDir::cleanPath(QDir::fromNativeSeparators(file));
        return url;
    }
    url.host = m_host->text().trimmed();
    if (url.host.isEmpty())
        return makeError(tr("%1: enter the server's host name").arg(side));
    url.port = m_port->value();
    url.database = m_database->text().trimmed();
    if (url.database.isEmpty())
        return makeError(tr("%1: enter the database name").arg(side));
    url.user = m_user->text().trimmed();
    if (url.engine == EngineKind::PostgreSQL && !m_schema->text().trimmed().isEmpty())
        url.params.insert(QStringLiteral("schema"), m_schema->text().trimmed());
    if (url.engine == m_otherParamsEngine)
        url.params.insert(m_otherParams);
    return url;
}

void ConnectionForm::setUrl(const ConnectionUrl &url)
{
    m_otherParamsEngine = url.engine;
    m_otherParams = url.params;
    m_otherParams.remove(QStringLiteral("schema"));
    m_engine->setCurrentIndex(m_engine->findData(int(url.engine)));
    if (url.engine == EngineKind::SQLite) {
        m_file->setText(QDir::toNativeSeparators(url.path));
        return;
    }
    m_host->setText(url.host);
    m_port->setValue(url.port > 0 ? url.port : defaultPort(url.engine));
    m_database->setText(url.database);
    m_schema->setText(url.params.value(QStringLiteral("schema")));
    m_user->setText(url.user);
}

QString ConnectionForm::password() const { return m_password->text(); }
void ConnectionForm::setPassword(const QString &password) { m_password->setText(password); }

void ConnectionForm::rememberPassword() const
{
    const auto u = url();
    if (!u || u->engine == EngineKind::SQLite)
        return;
    if (m_password->text().isEmpty())
        credentials::forget(*u);
    else
        credentials::remember(*u, m_password->text());
}

QString ConnectionForm::statusText() const { return m_status->text(); }

void ConnectionForm::onEngineChanged()
{
    const EngineKind kind = engine();
    const bool sqlite = kind == EngineKind::SQLite;
    m_form->setRowVisible(m_fileRow, sqlite);
    for (QWidget *w : {static_cast<QWidget *>(m_host), static_cast<QWidget *>(m_port),
                       static_cast<QWidget *>(m_database), static_cast<QWidget *>(m_user),
                       static_cast<QWidget *>(m_password)})
        m_form->setRowVisible(w, !sqlite);
    m_form->setRowVisible(m_schema, kind == EngineKind::PostgreSQL);
    // Follow the engine's default port unless the administrator typed another one.
    if (!sqlite && (m_port->value() == 5432 || m_port->value() == 3306))
        m_port->setValue(defaultPort(kind));
    onFieldChanged();
}

void ConnectionForm::onFieldChanged()
{
    m_test.supersede();
    const auto u = url();
    m_display->setText(u ? u->display() : u.error().message);
    m_display->setCursorPosition(0);
    m_display->setToolTip(m_display->text());
    m_status->clear();
    m_status->setToolTip({});
    m_testButton->setEnabled(bool(u));
    emit changed();
}

void ConnectionForm::testConnection()
{
    const auto u = url();
    if (!u) {
        showStatus(false, u.error().message);
        return;
    }
    rememberPassword();
    m_testButton->setEnabled(false);
    m_status->setStyleSheet({});
    m_status->setText(tr("Connecting\u2026"));
    const ConnectionUrl url = *u;
    const Side side = m_side;
    m_test.start(
        [url, side] {
            const QString error = tryConnect(url, side);
            return TestOutcome{error.isEmpty(), error};
        },
        [this](const TestOutcome &outcome) { onTested(outcome); });
}

void ConnectionForm::onTested(const TestOutcome &outcome)
{
    m_testButton->setEnabled(true);
    const auto u = url();
    QString message = outcome.message;
    if (outcome.ok)
        message = (u->engine == EngineKind::SQLite && m_side == Side::Target && !QFileInfo::exists(u->path))
                      ? tr("Ready: the run creates %1").arg(QFileInfo(u->path).fileName())
                      : tr("Connected to %1").arg(u->shortName());
    showStatus(outcome.ok, message);
    emit tested(outcome.ok, message);
}

void ConnectionForm::showStatus(bool ok, const QString &message)
{
    // One line: drivers append details on further lines; the tooltip keeps them.
    const QString line = message.section(QLatin1Char('\n'), 0, 0).simplified();
    m_status->setText((ok ? QStringLiteral("\u2714 ") : QStringLiteral("\u2718 ")) + line);
    m_status->setToolTip(message);
    m_status->setStyleSheet(ok ? QStringLiteral("color: #1b7f3b;") : QStringLiteral("color: #b3261e;"));
}

void ConnectionForm::browse()
{
    const QString current = m_file->text().trimmed();
    const QString path =
        m_side == Side::Source
            ? QFileDialog::getOpenFileName(this, tr("Source SQLite database"), current,
                                           tr("SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)"))
            : QFileDialog::getSaveFileName(this, tr("Target SQLite database"), current,
                                           tr("SQLite databases (*.db *.sqlite *.sqlite3);;All files (*)"),
                                           nullptr, QFileDialog::DontConfirmOverwrite);
    if (!path.isEmpty())
        m_file->setText(QDir::toNativeSeparators(path));
}

} // namespace cockpit
