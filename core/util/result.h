#pragma once
// Expected failures are values, not exceptions: a Result<T> holds either a T or a TaskError.
// C++20 has no std::expected, so this is the small subset we need.

#include <QString>
#include <optional>
#include <utility>
#include <variant>

namespace cockpit {

// What went wrong, with enough context to show on a task's row and in its details.
struct TaskError {
    QString message;   // one line, names the object and the reason
    QString sql;       // the statement that failed, if any
    int position = -1; // offset or line inside `sql` or a file, -1 when unknown
};

template <typename T>
class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::move(value)) {}
    Result(TaskError error) : m_v(std::move(error)) {}

    bool ok() const { return m_v.index() == 0; }
    explicit operator bool() const { return ok(); }
    T &value() & { return std::get<0>(m_v); }
    const T &value() const & { return std::get<0>(m_v); }
    T &&value() && { return std::get<0>(std::move(m_v)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() { return value(); }
    const T &operator*() const { return value(); }
    const TaskError &error() const { return std::get<1>(m_v); }

private:
    std::variant<T, TaskError> m_v;
};

template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(TaskError error) : m_error(std::move(error)) {}
    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const TaskError &error() const { return *m_error; }

private:
    std::optional<TaskError> m_error;
};

using Status = Result<void>;

inline TaskError makeError(QString message, QString sql = {}, int position = -1)
{
    return TaskError{std::move(message), std::move(sql), position};
}

} // namespace cockpit
