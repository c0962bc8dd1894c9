#pragma once
// Asks for the password of one database server when it refused the connection. The password
// is handed to credentials::remember (process memory only) by the window; this dialog never
// stores or logs it.

#include "plan/connectionurl.h"

#include <QDialog>

class QLineEdit;

namespace cockpit {

class PasswordDialog : public QDialog {
    Q_OBJECT
public:
    // `reason`: the server's refusal, shown under the question.
    PasswordDialog(const ConnectionUrl &url, const QString &reason, QWidget *parent = nullptr);
    QString password() const;
    const ConnectionUrl &url() const { return m_url; }

private:
    ConnectionUrl m_url;
    QLineEdit *m_password;
};

} // namespace cockpit
