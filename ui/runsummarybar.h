#pragma once
// The status bar's permanent part: how many tasks are in each state (icon + count, so it
// reads without colour; a click on a count filters the grid by that state), the overall rows done of the total, elapsed time, ETA and speed.
// GUI thread only.

#include "run/runsnapshot.h"

#include <QWidget>
#include <array>

class QLabel;
class QProgressBar;

namespace cockpit {

class RunSummaryBar final : public QWidget {
    Q_OBJECT
public:
    explicit RunSummaryBar(QWidget *parent = nullptr);

    void setSummary(const RunSummary &summary);
    // Busy indicator with a message while there is no run yet (opening, creating the demo).
    void setBusy(const QString &what);

    QProgressBar *progressBar() const { return m_progress; }
    QLabel *timesLabel() const { return m_times; }
    QString countsText() const; // "Waiting 12, Executing 3, Ended 40" (for tests, accessibility)
    QString timesText() const;
    QLabel *countLabel(TaskState state) const { return m_counts[size_t(state)].text; }

    // Room for the full progress text and every time part; the layout may give less (then the
    // shorter forms show), never overlapping.
    QSize sizeHint() const override;

signals:
    void stateClicked(cockpit::TaskState state);

protected:
    void resizeEvent(QResizeEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override; // clicks on the counts

private:
    static constexpr int kTextMargin = 24; // the bar's frame and chunk padding around its text
    QString fullText(qint64 done, qint64 total, int percent) const;
    void updateProgressText(); // the full text when it fits the bar's width, else the percentage
    void updateTimesText();    // the elapsed/ETA/speed parts that fit the label's width
    QStringList m_timesParts;
    struct StateCount {
        QLabel *icon = nullptr;
        QLabel *text = nullptr;
    };
    std::array<StateCount, TaskStateCount> m_counts;
    QProgressBar *m_progress = nullptr;
    QLabel *m_times = nullptr;
    RunSummary m_summary;
};

} // namespace cockpit
