#include "ui/newupgradedialog.h"
#include "ui/appsettings.h"

#include "engine/engine.h"
#include "engine/tablesizes.h"
#include "ui/connectionform.h"
#include "ui/tasktablemodel.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QSaveFile>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QTableView>
#include <QVBoxLayout>

namespace cockpit {

namespace {

constexpr int kSortRole = Qt::UserRole + 1;

// The plan's two batch groups: the copies, then everything after them.
struct GroupTemplate {
    const char *name;
    QStringList patterns;
    const char *what;
};
const GroupTemplate kGroups[2] = {
    {"copy", {QStringLiteral("prepare:*"), QStringLiteral("copy:*")}, QT_TRANSLATE_NOOP("NewUpgradeDialog", "prepares and copies")},
    {"post", {QStringLiteral("*")}, QT_TRANSLATE_NOOP("NewUpgradeDialog", "indexes, constraints, scripts, validation")},
};

// A table name as a glob that matches only itself (globMatches knows *, ? and [...]).
QString literalGlob(const QString &name)
{
    QString glob;
    for (const QChar c : name) {
        if (c == u'*' || c == u'?' || c == u'[')
            glob += u'[' + QString(c) + u']';
        else
            glob += c;
    }
    return glob;
}

} // namespace

NewUpgradeDialog::NewUpgradeDialog(QWidget *parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("newUpgradeDialog"));
    setWindowTitle(tr("New upgrade"));
    auto *layout = new QVBoxLayout(this);

    auto *forms = new QHBoxLayout;
    m_sourceForm = new ConnectionForm(ConnectionForm::Side::Source, this);
    m_targetForm = new ConnectionForm(ConnectionForm::Side::Target, this);
    forms->addWidget(m_sourceForm, 1);
    forms->addWidget(m_targetForm, 1);
    layout->addLayout(forms);

    auto *middle = new QHBoxLayout;
    middle->addWidget(createTablePicker(), 1);
    middle->addWidget(createOptions());
    layout->addLayout(middle, 1);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setTextFormat(Qt::PlainText);
    m_message->setWordWrap(true);
    layout->addWidget(m_message);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_saveButton = buttons->addButton(tr("&Save plan\u2026"), QDialogButtonBox::AcceptRole);
    m_saveButton->setObjectName(QStringLiteral("savePlan"));
    m_saveButton->setDefault(true);
    m_saveButton->setToolTip(tr("Write plan.json and open it in the cockpit"));
    connect(m_saveButton, &QPushButton::clicked, this, &NewUpgradeDialog::saveWithDialog);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);

    connect(m_sourceForm, &ConnectionForm::changed, this, &NewUpgradeDialog::onSourceChanged);
    connect(m_sourceForm, &ConnectionForm::tested, this, [this](bool ok) {
        if (ok)
            loadTables();
    });
    connect(m_targetForm, &ConnectionForm::changed, this, &NewUpgradeDialog::updateSummary);

    resize(1040, 700);
    updateSummary();
}

QWidget *NewUpgradeDialog::createTablePicker()
{
    auto *box = new QGroupBox(tr("Tables to copy"), this);
    auto *layout = new QVBoxLayout(box);

    auto *bar = new QHBoxLayout;
    m_search = new QLineEdit(box);
    m_search->setObjectName(QStringLiteral("search"));
    m_search->setPlaceholderText(tr("Search tables\u2026"));
    m_search->setClearButtonEnabled(true);
    auto *all = new QPushButton(tr("Select &all"), box);
    all->setToolTip(tr("Tick every table the search shows"));
    auto *none = new QPushButton(tr("Select &none"), box);
    none->setToolTip(tr("Untick every table the search shows"));
    bar->addWidget(m_search, 1);
    bar->addWidget(all);
    bar->addWidget(none);
    layout->addLayout(bar);

    m_model = new QStandardItemModel(0, ColumnCount, this);
    m_model->setHorizontalHeaderLabels({tr("Table"), tr("Rows"), tr("Size")});
    m_proxy = new QSortFilterProxyModel(this);
    m_proxy->setSourceModel(m_model);
    m_proxy->setFilterKeyColumn(NameColumn);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setSortRole(kSortRole);
    m_tables = new QTableView(box);
    m_tables->setObjectName(QStringLiteral("tables"));
    m_tables->setModel(m_proxy);
    m_tables->setSortingEnabled(true);
    m_tables->sortByColumn(-1, Qt::AscendingOrder); // the source's order until a header is clicked
    m_tables->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tables->setAlternatingRowColors(true);
    m_tables->setShowGrid(false);
    m_tables->verticalHeader()->hide();
    m_tables->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    QHeaderView *header = m_tables->horizontalHeader();
    header->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    const int numberWidth = fontMetrics().horizontalAdvance(QStringLiteral("1,000,000,000  MM"));
    header->resizeSection(RowsColumn, numberWidth);
    header->resizeSection(SizeColumn, numberWidth);
    layout->addWidget(m_tables, 1);

    m_summary = new QLabel(box);
    m_summary->setObjectName(QStringLiteral("summary"));
    layout->addWidget(m_summary);

    connect(m_search, &QLineEdit::textChanged, m_proxy, &QSortFilterProxyModel::setFilterFixedString);
    connect(all, &QPushButton::clicked, this, [this] { setVisibleChecked(true); });
    connect(none, &QPushButton::clicked, this, [this] { setVisibleChecked(false); });
    connect(m_model, &QStandardItemModel::itemChanged, this, &NewUpgradeDialog::updateSummary);
    return box;
}

QWidget *NewUpgradeDialog::createOptions()
{
    auto *column = new QWidget(this);
    auto *layout = new QVBoxLayout(column);
    layout->setContentsMargins(0, 0, 0, 0);

    auto *groups = new QGroupBox(tr("Batch groups"), column);
    auto *grid = new QGridLayout(groups);
    grid->addWidget(new QLabel(tr("Group"), groups), 0, 0);
    grid->addWidget(new QLabel(tr("Threads"), groups), 0, 1);
    const int defaultThreads = AppSettings::load().defaultThreads; // File > Settings
    for (int i = 0; i < 2; ++i) {
        auto *name = new QLabel(QString::fromLatin1(kGroups[i].name), groups);
        name->setToolTip(tr("Runs %1 (tasks %2)")
                             .arg(tr(kGroups[i].what), kGroups[i].patterns.join(QStringLiteral(", "))));
        m_threads[i] = new QSpinBox(groups);
        m_threads[i]->setObjectName(QStringLiteral("threads_%1").arg(QString::fromLatin1(kGroups[i].name)));
        m_threads[i]->setRange(1, 64);
        m_threads[i]->setValue(defaultThreads);
        m_threads[i]->setToolTip(tr("How many tasks of this group run at once"));
        auto *what = new QLabel(tr(kGroups[i].what), groups);
        what->setEnabled(false); // a quiet hint
        grid->addWidget(name, 1 + 2 * i, 0);
        grid->addWidget(m_threads[i], 1 + 2 * i, 1);
        grid->addWidget(what, 2 + 2 * i, 0, 1, 2);
    }
    layout->addWidget(groups);

    auto *copy = new QGroupBox(tr("Copy"), column);
    auto *form = new QFormLayout(copy);
    const Plan defaults;
    m_batchSize = new QSpinBox(copy);
    m_batchSize->setObjectName(QStringLiteral("batchSize"));
    m_batchSize->setRange(1, 10'000'000);
    m_batchSize->setGroupSeparatorShown(true);
    m_batchSize->setValue(defaults.batchSize);
    m_batchSize->setToolTip(tr("Rows per committed batch: a kill or a pause costs at most one"));
    form->addRow(tr("&Batch size:"), m_batchSize);
    m_chunkRows = new QSpinBox(copy);
    m_chunkRows->setObjectName(QStringLiteral("chunkRows"));
    m_chunkRows->setRange(1000, 2'000'000'000);
    m_chunkRows->setGroupSeparatorShown(true);
    m_chunkRows->setValue(int(defaults.chunkRows));
    m_chunkRows->setToolTip(tr("Big tables are split into chunks of this many rows, copied in parallel"));
    form->addRow(tr("&Chunk rows:"), m_chunkRows);
    m_ifExists = new QComboBox(copy);
    m_ifExists->setObjectName(QStringLiteral("ifTargetExists"));
    m_ifExists->addItem(tr("Fail"), int(IfTargetExists::Fail));
    m_ifExists->addItem(tr("Replace"), int(IfTargetExists::Replace));
    m_ifExists->setToolTip(tr("What the run does with a table the target already has: refuse "
                              "(Fail) or drop and copy it again (Replace)"));
    form->addRow(tr("If target &exists:"), m_ifExists);
    layout->addWidget(copy);
    layout->addStretch(1);
    return column;
}

void NewUpgradeDialog::setStartingPlan(const Plan &plan)
{
    m_startingPlan = plan;
    m_sourceForm->setUrl(plan.source);
    m_targetForm->setUrl(plan.target);
    if (plan.groups.size() == 2)
        for (int i = 0; i < 2; ++i)
            m_threads[i]->setValue(plan.groups[i].threads);
    m_batchSize->setValue(plan.batchSize);
    m_chunkRows->setValue(int(std::min<qint64>(plan.chunkRows, m_chunkRows->maximum())));
    m_ifExists->setCurrentIndex(m_ifExists->findData(int(plan.ifTargetExists)));
}

void NewUpgradeDialog::onSourceChanged()
{
    // The listed tables belong to the old source.
    m_listing.supersede();
    m_model->removeRows(0, m_model->rowCount());
    updateSummary();
}

void NewUpgradeDialog::loadTables()
{
    const auto url = m_sourceForm->url();
    if (!url) {
        showMessage(true, url.error().message);
        return;
    }
    m_sourceForm->rememberPassword();
    m_model->removeRows(0, m_model->rowCount());
    m_summary->setText(tr("Reading the source's tables\u2026"));
    const ConnectionUrl source = *url;
    m_listing.start([source] {
        Listing listing;
        auto c = DbConnection::open(source, DbConnection::Mode::ReadOnly);
        if (!c) {
            listing.error = c.error().message;
            return listing;
        }
        const auto engine = Engine::create(source.engine);
        auto tables = engine->introspect(**c);
        if (!tables) {
            listing.error = tables.error().message;
            return listing;
        }
        // Sizes are a help, not a must: without them the column says "unknown".
        const auto sizes = tableSizes(**c);
        for (const TableSchema &t : *tables) {
            auto stats = engine->stats(**c, t);
            if (!stats) {
                listing.error = stats.error().message;
                return listing;
            }
            const qint64 bytes = sizes ? sizes->value(t.name, -1) : -1;
            listing.tables.push_back({t.name, stats->rows, bytes});
        }
        return listing;
    }, [this](const Listing &listing) { onListed(listing); });
}

void NewUpgradeDialog::onListed(const Listing &listing)
{
    if (!listing.error.isEmpty()) {
        m_summary->clear();
        showMessage(true, tr("Cannot list the source's tables: %1").arg(listing.error));
        emit tablesLoaded(false, listing.error);
        return;
    }
    m_model->blockSignals(true); // one summary at the end, not one per item
    for (const TableRow &t : listing.tables) {
        auto *name = new QStandardItem(t.name);
        name->setCheckable(true);
        const bool ticked = !m_startingPlan || m_startingPlan->includesTable(t.name);
        name->setCheckState(ticked ? Qt::Checked : Qt::Unchecked);
        name->setData(t.name.toLower(), kSortRole);
        name->setEditable(false);
        auto *rows = new QStandardItem(TaskTableModel::formatCount(t.rows));
        rows->setData(t.rows, kSortRole);
        rows->setData(t.rows, Qt::UserRole);
        auto *size = new QStandardItem(t.bytes >= 0 ? QLocale().formattedDataSize(t.bytes) : tr("unknown"));
        size->setData(t.bytes, kSortRole);
        size->setData(t.bytes, Qt::UserRole);
        for (QStandardItem *item : {rows, size}) {
            item->setEditable(false);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        }
        m_model->appendRow({name, rows, size});
    }
    m_model->blockSignals(false);
    m_proxy->invalidate();
    m_tables->reset();
    m_message->clear();
    updateSummary();
    emit tablesLoaded(true, {});
}

QStringList NewUpgradeDialog::tableNames() const
{
    QStringList names;
    for (int row = 0; row < m_model->rowCount(); ++row)
        names << m_model->item(row, NameColumn)->text();
    return names;
}

QStringList NewUpgradeDialog::checkedTables() const
{
    QStringList names;
    for (int row = 0; row < m_model->rowCount(); ++row)
        if (m_model->item(row, NameColumn)->checkState() == Qt::Checked)
            names << m_model->item(row, NameColumn)->text();
    return names;
}

void NewUpgradeDialog::setTableChecked(const QString &table, bool checked)
{
    for (int row = 0; row < m_model->rowCount(); ++row)
        if (m_model->item(row, NameColumn)->text() == table)
            m_model->item(row, NameColumn)->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
}

void NewUpgradeDialog::setVisibleChecked(bool checked)
{
    m_model->blockSignals(true);
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex source = m_proxy->mapToSource(m_proxy->index(row, NameColumn));
        m_model->itemFromIndex(source)->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
    }
    m_model->blockSignals(false);
    m_tables->viewport()->update();
    updateSummary();
}

void NewUpgradeDialog::updateSummary()
{
    const int total = m_model->rowCount();
    if (total == 0) {
        if (!isLoading())
            m_summary->setText(m_sourceForm->url() ? tr("Test the source connection to list its tables.")
                                                   : tr("Enter the source to list its tables."));
        m_saveButton->setEnabled(false);
        return;
    }
    int ticked = 0;
    qint64 rows = 0;
    qint64 bytes = 0;
    bool bytesKnown = true;
    for (int row = 0; row < total; ++row) {
        if (m_model->item(row, NameColumn)->checkState() != Qt::Checked)
            continue;
        ++ticked;
        rows += m_model->item(row, RowsColumn)->data(Qt::UserRole).toLongLong();
        const qint64 b = m_model->item(row, SizeColumn)->data(Qt::UserRole).toLongLong();
        bytesKnown = bytesKnown && b >= 0;
        bytes += std::max<qint64>(b, 0);
    }
    QString text = tr("%1 of %2 tables ticked: %3 rows").arg(ticked).arg(total).arg(TaskTableModel::formatCount(rows));
    if (bytesKnown)
        text += QStringLiteral(", ") + QLocale().formattedDataSize(bytes);
    m_summary->setText(text);
    m_saveButton->setEnabled(ticked > 0 && bool(m_targetForm->url()));
}

Result<Plan> NewUpgradeDialog::buildPlan(const QString &path) const
{
    const auto source = m_sourceForm->url();
    if (!source)
        return source.error();
    const auto target = m_targetForm->url();
    if (!target)
        return target.error();
    if (source->engine == EngineKind::SQLite && target->engine == EngineKind::SQLite
        && source->path == target->path)
        return makeError(tr("source and target are the same file: %1").arg(source->path));
    if (m_model->rowCount() == 0)
        return makeError(tr("no tables listed yet: test the source connection first"));
    const QStringList ticked = checkedTables();
    if (ticked.isEmpty())
        return makeError(tr("tick at least one table to copy"));

    Plan plan;
    const QFileInfo file(path);
    plan.filePath = file.absoluteFilePath();
    plan.source = *source;
    plan.target = *target;
    plan.name = plan.title();
    plan.statePath = file.absoluteDir().filePath(file.completeBaseName() + QStringLiteral(".state.db"));
    for (int i = 0; i < 2; ++i)
        plan.groups.push_back(BatchGroup{QString::fromLatin1(kGroups[i].name), m_threads[i]->value(),
                                         kGroups[i].patterns});
    plan.include = {QStringLiteral("*")};
    for (const QString &table : tableNames())
        if (!ticked.contains(table))
            plan.exclude << literalGlob(table);
    plan.batchSize = m_batchSize->value();
    plan.chunkRows = m_chunkRows->value();
    plan.ifTargetExists = IfTargetExists(m_ifExists->currentData().toInt());
    if (m_startingPlan) {
        // What this dialog does not show stays as the starting plan had it.
        plan.validation = m_startingPlan->validation;
        plan.copyMethod = m_startingPlan->copyMethod;
        plan.maxRejects = m_startingPlan->maxRejects;
        plan.tableOptions = m_startingPlan->tableOptions;
        plan.scriptsDir = m_startingPlan->scriptsDir;
        plan.rejectsDir = m_startingPlan->rejectsDir;
    }
    return plan;
}

Result<Plan> NewUpgradeDialog::savePlan(const QString &path)
{
    auto plan = buildPlan(path);
    if (!plan)
        return plan.error();
    QSaveFile out(plan->filePath);
    if (!out.open(QIODevice::WriteOnly) || out.write(plan->toJson()) < 0 || !out.commit())
        return makeError(tr("cannot write %1: %2").arg(QDir::toNativeSeparators(plan->filePath), out.errorString()));
    auto loaded = loadPlan(plan->filePath);
    if (!loaded)
        return loaded.error();
    m_sourceForm->rememberPassword();
    m_targetForm->rememberPassword();
    m_plan = *loaded;
    return m_plan;
}

void NewUpgradeDialog::saveWithDialog()
{
    if (auto check = buildPlan(QStringLiteral("plan.json")); !check) {
        showMessage(true, check.error().message);
        return;
    }
    // Beside a SQLite source by default, where the demo keeps its plan too.
    const auto source = m_sourceForm->url();
    const QString folder = source && source->engine == EngineKind::SQLite ? QFileInfo(source->path).absolutePath()
                                                                          : QDir::homePath();
    const QString path = QFileDialog::getSaveFileName(this, tr("Save plan"),
                                                      QDir(folder).filePath(QStringLiteral("plan.json")),
                                                      tr("Upgrade plans (*.json)"));
    if (path.isEmpty())
        return;
    auto saved = savePlan(path);
    if (!saved) {
        showMessage(true, saved.error().message);
        return;
    }
    accept();
}

void NewUpgradeDialog::showMessage(bool error, const QString &text)
{
    m_message->setText(text);
    m_message->setStyleSheet(error ? QStringLiteral("color: #b3261e;") : QString());
}

} // namespace cockpit
