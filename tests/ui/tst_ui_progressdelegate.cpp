// ProgressDelegate: the Progress column is a real progress bar (highlight-coloured fill in
// proportion to the rows done), greyed for paused/failed tasks; other columns are plain text.

#include "fakerun.h"
#include "ui/progressdelegate.h"
#include "ui/tasktablemodel.h"

#include <QApplication>
#include <QHeaderView>
#include <QPainter>
#include <QTableView>
#include <QTest>

using namespace cockpit;
using namespace cockpit::testing;

class TestProgressDelegate : public QObject {
    Q_OBJECT
private slots:
    void initTestCase();
    void fullBarIsFilledWithTheHighlightColour();
    void emptyBarHasNoFill();
    void halfBarFillsAboutHalfTheCell();
    void pausedAndFailedBarsAreGreyed();
    void gridPaintsTheBarInTheProgressCellOnly();

private:
    QImage paintCell(int row, int column, QSize size = QSize(200, 24)) const;
    QRect fillExtent(const QImage &image) const; // bounding box of highlight-like pixels
    int highlightPixels(const QImage &image, const QRect &area = {}) const;

    FakeRun m_run;
    TaskTableModel m_model;
    ProgressDelegate m_delegate{TaskTableModel::ProgressColumn};
    QColor m_highlight;
};

void TestProgressDelegate::initTestCase()
{
    // rows: 0% executing, 50% executing, 100% ended, 50% paused, 50% error
    const qint64 total = 1'000'000;
    for (int i = 0; i < 5; ++i)
        m_run.add(makeTask(i, QStringLiteral("copy:T%1").arg(i), total));
    m_run.update(0, [](TaskView &t) { t.status.state = TaskState::Executing; });
    m_run.update(1, [&](TaskView &t) {
        t.status.state = TaskState::Executing;
        t.status.rowsDone = total / 2;
    });
    m_run.update(2, [&](TaskView &t) {
        t.status.state = TaskState::Ended;
        t.status.rowsDone = total;
    });
    m_run.update(3, [&](TaskView &t) {
        t.status.state = TaskState::Paused;
        t.status.rowsDone = total / 2;
    });
    m_run.update(4, [&](TaskView &t) {
        t.status.state = TaskState::Error;
        t.status.rowsDone = total / 2;
    });
    m_model.setSnapshotSource(m_run.source());
    m_highlight = QApplication::palette().color(QPalette::Active, QPalette::Highlight);
}

QImage TestProgressDelegate::paintCell(int row, int column, QSize size) const
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(QApplication::palette().color(QPalette::Base));
    QPainter painter(&image);
    QStyleOptionViewItem option;
    option.rect = QRect(QPoint(0, 0), size);
    option.palette = QApplication::palette();
    option.fontMetrics = QFontMetrics(QApplication::font());
    option.font = QApplication::font();
    option.state = QStyle::State_Enabled | QStyle::State_Active;
    m_delegate.paint(&painter, option, m_model.index(row, column));
    painter.end();
    return image;
}

// A pixel belongs to the bar's fill when it is close in hue and saturation to the highlight
// colour (styles shade the fill with a gradient, so an exact match would be brittle).
int TestProgressDelegate::highlightPixels(const QImage &image, const QRect &area) const
{
    const QRect r = area.isNull() ? image.rect() : area.intersected(image.rect());
    int n = 0;
    for (int y = r.top(); y <= r.bottom(); ++y) {
        for (int x = r.left(); x <= r.right(); ++x) {
            const QColor c = QColor::fromRgb(image.pixel(x, y));
            const int dh = std::abs(c.hsvHue() - m_highlight.hsvHue());
            if (c.hsvSaturation() > 90 && c.hsvHue() >= 0 && std::min(dh, 360 - dh) < 25)
                ++n;
        }
    }
    return n;
}

QRect TestProgressDelegate::fillExtent(const QImage &image) const
{
    int left = image.width(), right = -1;
    for (int x = 0; x < image.width(); ++x) {
        if (highlightPixels(image, QRect(x, 0, 1, image.height())) > image.height() / 3) {
            left = std::min(left, x);
            right = std::max(right, x);
        }
    }
    return right < 0 ? QRect() : QRect(left, 0, right - left + 1, image.height());
}

void TestProgressDelegate::fullBarIsFilledWithTheHighlightColour()
{
    const QImage full = paintCell(2, TaskTableModel::ProgressColumn);
    const int pixels = highlightPixels(full);
    QVERIFY2(pixels > 200 * 24 / 3, qPrintable(QStringLiteral("only %1 fill pixels").arg(pixels)));
    QVERIFY(fillExtent(full).width() > 150);
}

void TestProgressDelegate::emptyBarHasNoFill()
{
    const QImage empty = paintCell(0, TaskTableModel::ProgressColumn);
    if (qEnvironmentVariableIsSet("DUMP_CELLS")) {
        empty.save(QStringLiteral("/tmp/cell-empty.png"));
        paintCell(1, TaskTableModel::ProgressColumn).save(QStringLiteral("/tmp/cell-half.png"));
        paintCell(2, TaskTableModel::ProgressColumn).save(QStringLiteral("/tmp/cell-full.png"));
        paintCell(3, TaskTableModel::ProgressColumn).save(QStringLiteral("/tmp/cell-paused.png"));
    }
    // Some styles (Fusion) draw a one-pixel highlight edge even at 0%: no more than that.
    QVERIFY2(fillExtent(empty).width() <= 2,
             qPrintable(QStringLiteral("fill is %1 px wide").arg(fillExtent(empty).width())));
    QVERIFY(highlightPixels(empty) < highlightPixels(paintCell(2, TaskTableModel::ProgressColumn)) / 20);
    // ... but a bar is there: its frame differs from the plain background.
    const QImage background = paintCell(0, TaskTableModel::PhaseColumn);
    QVERIFY(empty != background);
}

void TestProgressDelegate::halfBarFillsAboutHalfTheCell()
{
    const QImage half = paintCell(1, TaskTableModel::ProgressColumn);
    const QRect extent = fillExtent(half);
    QVERIFY(extent.isValid());
    QVERIFY2(extent.width() > 80 && extent.width() < 120,
             qPrintable(QStringLiteral("fill is %1 px of 200").arg(extent.width())));
    QVERIFY(extent.left() < 10); // left to right
}

void TestProgressDelegate::pausedAndFailedBarsAreGreyed()
{
    const int running = highlightPixels(paintCell(1, TaskTableModel::ProgressColumn));
    const int paused = highlightPixels(paintCell(3, TaskTableModel::ProgressColumn));
    const int failed = highlightPixels(paintCell(4, TaskTableModel::ProgressColumn));
    QVERIFY2(paused < running / 4 && failed < running / 4,
             qPrintable(QStringLiteral("running %1, paused %2, failed %3")
                            .arg(running)
                            .arg(paused)
                            .arg(failed)));
}

void TestProgressDelegate::gridPaintsTheBarInTheProgressCellOnly()
{
    QTableView view;
    view.setModel(&m_model);
    view.setItemDelegate(new ProgressDelegate(TaskTableModel::ProgressColumn, &view));
    view.horizontalHeader()->resizeSection(TaskTableModel::ProgressColumn, 220);
    view.resize(1400, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    const QImage shot = view.viewport()->grab().toImage();
    const qreal dpr = shot.devicePixelRatio();
    auto cell = [&](int row, int column) {
        const QRect r = view.visualRect(m_model.index(row, column));
        return QRect((r.topLeft() * dpr), r.size() * dpr);
    };
    QVERIFY(highlightPixels(shot, cell(2, TaskTableModel::ProgressColumn)) > 1000);
    QVERIFY(highlightPixels(shot, cell(0, TaskTableModel::ProgressColumn)) < 60);
    QVERIFY(highlightPixels(shot, cell(2, TaskTableModel::TaskColumn)) < 20);
    QVERIFY(highlightPixels(shot, cell(2, TaskTableModel::MessageColumn)) < 20);
}

QTEST_MAIN(TestProgressDelegate)
#include "tst_ui_progressdelegate.moc"
