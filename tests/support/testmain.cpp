// GoogleTest main with a QCoreApplication, so tests can run event loops (UpgradeRun signals).
// A test that crashes prints its name and a backtrace to stderr before dying, so a crash seen
// once under CI's load leaves something to read (ctest --output-on-failure shows it).
#include <QCoreApplication>
#include <csignal>
#include <cstring>
#include <execinfo.h>
#include <gtest/gtest.h>
#include <unistd.h>

namespace {

void writeText(const char *s) { (void)!::write(STDERR_FILENO, s, std::strlen(s)); }

void onFatalSignal(int sig)
{
    writeText("\n*** fatal signal ");
    writeText(sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : sig == SIGFPE ? "SIGFPE" : "SIGABRT");
    if (const auto *test = ::testing::UnitTest::GetInstance()->current_test_info()) {
        writeText(" in ");
        writeText(test->test_suite_name());
        writeText(".");
        writeText(test->name());
    }
    writeText("; backtrace:\n");
    void *frames[64];
    backtrace_symbols_fd(frames, backtrace(frames, 64), STDERR_FILENO);
    std::signal(sig, SIG_DFL); // die of it, as before
    std::raise(sig);
}

} // namespace

int main(int argc, char **argv)
{
    void *warm[1];
    backtrace(warm, 1); // loads the unwinder now: the handler must not be the first to need it
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGABRT})
        std::signal(sig, onFatalSignal);
    QCoreApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}
