#include "store/statelocation.h"

#include <QDir>
#include <gtest/gtest.h>

using namespace cockpit;

namespace {

TEST(StateLocation, APathIsMadeAbsoluteAndKeepsItsFilesBesideIt)
{
    auto p = statelocation::normalized(QStringLiteral("runs/../runs/a.state.db"), QStringLiteral("/srv/up"));
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(*p, QStringLiteral("/srv/up/runs/a.state.db"));
    EXPECT_FALSE(statelocation::isUrl(*p));
    EXPECT_EQ(statelocation::logFile(*p), QStringLiteral("/srv/up/runs/a.state.log"));
    EXPECT_EQ(statelocation::planFile(*p), QStringLiteral("/srv/up/runs/plan.json"));
    EXPECT_EQ(statelocation::rejectsFolder(*p), QStringLiteral("/srv/up/runs/rejects"));
    EXPECT_EQ(statelocation::headlessLogFile(*p), QStringLiteral("/srv/up/runs/a.state.db.headless.log"));
    EXPECT_EQ(*statelocation::normalized(QStringLiteral("sqlite:b.db"), QStringLiteral("/srv")), QStringLiteral("/srv/b.db"));
}

TEST(StateLocation, AUrlGetsItsSchemaAndALocalFolderOfItsOwn)
{
    qputenv("XDG_STATE_HOME", "/tmp/xdg-state");
    auto u = statelocation::normalized(QStringLiteral("postgres://admin@db.example:6543/upgrades"), QStringLiteral("/srv"));
    ASSERT_TRUE(u.ok()) << u.error().message.toStdString();
    EXPECT_EQ(*u, QStringLiteral("postgresql://admin@db.example:6543/upgrades?schema=cockpit_state"));
    EXPECT_TRUE(statelocation::isUrl(*u));
    EXPECT_EQ(statelocation::display(*u), *u);
    const QString folder = QStringLiteral("/tmp/xdg-state/upgrade-cockpit/db.example_6543_upgrades_cockpit_state");
    EXPECT_EQ(statelocation::localFolder(*u), folder);
    EXPECT_EQ(statelocation::logFile(*u), folder + QStringLiteral("/run.log"));
    EXPECT_EQ(statelocation::planFile(*u), folder + QStringLiteral("/plan.json"));
    auto other = statelocation::normalized(QStringLiteral("postgresql://admin@db.example:6543/upgrades?schema=night"), {});
    EXPECT_NE(statelocation::localFolder(*other), folder);
    qunsetenv("XDG_STATE_HOME");
}

TEST(StateLocation, BadLocationsAreRefusedWithoutShowingAPassword)
{
    auto pw = statelocation::normalized(QStringLiteral("postgresql://admin:hunter2@db/upgrades"), {});
    ASSERT_FALSE(pw.ok());
    EXPECT_FALSE(pw.error().message.contains(QStringLiteral("hunter2"))) << pw.error().message.toStdString();
    auto mysql = statelocation::normalized(QStringLiteral("mysql://admin@db/upgrades"), {});
    ASSERT_FALSE(mysql.ok());
    EXPECT_TRUE(mysql.error().message.contains(QStringLiteral("postgresql://"))) << mysql.error().message.toStdString();
    EXPECT_FALSE(statelocation::normalized(QStringLiteral("postgresql://db/upgrades?schema=x&bogus=1"), {}).ok());
    EXPECT_FALSE(statelocation::normalized(QString(), {}).ok());
}

} // namespace
