#pragma once
// How much the task threads yield the CPU to the rest of the process. The window raises it:
// on a machine whose cores the copies (and a local database server) keep busy, the GUI thread
// otherwise waits for a core for 50-150 ms at a time (bench/guilatency). Linux nice value of
// each worker thread, 0..19; 0 (the default) leaves them as they are, as the CLI wants them.

namespace cockpit {

void setWorkerNiceness(int nice);
// Called by a worker thread before each task: applies the current value to the calling thread
// once (and again only when it changed).
void applyWorkerNiceness();

} // namespace cockpit
