// TaskStatePresentation: every state has a label, and an icon whose shape alone (no colour)
// tells it from every other state's.

#include "ui/taskstatepresentation.h"

#include <QImage>
#include <QPainter>
#include <QSet>
#include <QTest>

using namespace cockpit;

class TestTaskStatePresentation : public QObject {
    Q_OBJECT
private slots:
    void everyStateHasADistinctLabel();
    void iconsDifferInShapeNotOnlyColour();
    void disabledIconIsGrey();
};

static QImage shape(TaskState state, QIcon::Mode mode = QIcon::Normal)
{
    // Opaque where the icon paints, transparent elsewhere: the colour is thrown away.
    const QImage img = TaskStatePresentation::icon(state).pixmap(32, 32, mode).toImage()
                           .convertToFormat(QImage::Format_ARGB32);
    QImage mask(img.size(), QImage::Format_Grayscale8);
    for (int y = 0; y < img.height(); ++y)
        for (int x = 0; x < img.width(); ++x)
            mask.setPixel(x, y, qAlpha(img.pixel(x, y)) > 128 ? 0xffffffff : 0xff000000);
    return mask;
}

void TestTaskStatePresentation::everyStateHasADistinctLabel()
{
    QSet<QString> labels;
    QSet<QRgb> colours;
    for (int i = 0; i < TaskStateCount; ++i) {
        const auto s = static_cast<TaskState>(i);
        QVERIFY(!TaskStatePresentation::label(s).isEmpty());
        QVERIFY(!TaskStatePresentation::description(s).isEmpty());
        labels.insert(TaskStatePresentation::label(s));
        colours.insert(TaskStatePresentation::color(s).rgb());
    }
    QCOMPARE(labels.size(), TaskStateCount);
    QCOMPARE(colours.size(), TaskStateCount);
}

void TestTaskStatePresentation::iconsDifferInShapeNotOnlyColour()
{
    for (int a = 0; a < TaskStateCount; ++a) {
        const QImage ma = shape(static_cast<TaskState>(a));
        int painted = 0;
        for (int y = 0; y < ma.height(); ++y)
            for (int x = 0; x < ma.width(); ++x)
                painted += qGray(ma.pixel(x, y)) > 0 ? 1 : 0;
        QVERIFY2(painted > 30, qPrintable(toString(static_cast<TaskState>(a))));
        for (int b = a + 1; b < TaskStateCount; ++b) {
            const QImage mb = shape(static_cast<TaskState>(b));
            int differing = 0;
            for (int y = 0; y < ma.height(); ++y)
                for (int x = 0; x < ma.width(); ++x)
                    differing += ma.pixel(x, y) != mb.pixel(x, y) ? 1 : 0;
            QVERIFY2(differing > 60, qPrintable(QStringLiteral("%1 vs %2: %3 pixels differ")
                                                     .arg(toString(static_cast<TaskState>(a)),
                                                          toString(static_cast<TaskState>(b)))
                                                     .arg(differing)));
        }
    }
}

void TestTaskStatePresentation::disabledIconIsGrey()
{
    const QImage img = TaskStatePresentation::icon(TaskState::Error)
                           .pixmap(32, 32, QIcon::Disabled)
                           .toImage()
                           .convertToFormat(QImage::Format_ARGB32);
    for (int y = 0; y < img.height(); ++y) {
        for (int x = 0; x < img.width(); ++x) {
            const QRgb p = img.pixel(x, y);
            if (qAlpha(p) > 200)
                QVERIFY(std::abs(qRed(p) - qGreen(p)) < 40 && std::abs(qRed(p) - qBlue(p)) < 40);
        }
    }
}

QTEST_MAIN(TestTaskStatePresentation)
#include "tst_ui_taskstatepresentation.moc"
