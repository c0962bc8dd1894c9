#include "ui/passworddialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QVBoxLayout>

namespace cockpit {

PasswordDialog::PasswordDialog(const ConnectionUrl &url, const QString &reason, QWidget *parent)
    : QDialog(parent), m_url(url), m_password(new QLineEdit(this))
{
    setWindowTitle(tr("Password for %1").arg(url.shortName()));
    auto *layout = new QVBoxLayout(this);
    setMinimumWidth(480);
    auto *question = new QLabel(tr("%1 needs a password for user \u201c%2\u201d.").arg(url.display(), url.user), this);
    question->setTextFormat(Qt::PlainText);
    question->setWordWrap(true);
    layout->addWidget(question);
    auto *why = new QLabel(reason, this);
    why->setObjectName(QStringLiteral("reason"));
    why->setWordWrap(true);
    why->setTextFormat(Qt::PlainText);
    QFont italic = why->font();
    italic.setItalic(true);
    why->setFont(italic);
    layout->addWidget(why);
    auto *form = new QFormLayout;
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setEchoMode(QLineEdit::Password);
    form->addRow(tr("&Password:"), m_password);
    layout->addLayout(form);
    auto *note = new QLabel(tr("Kept in memory for this session only: never written to the plan, the state "
                               "file or the log."),
                            this);
    note->setWordWrap(true);
    layout->addWidget(note);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    m_password->setFocus();
}

QString PasswordDialog::password() const { return m_password->text(); }

} // namespace cockpit
