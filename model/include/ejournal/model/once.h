// Process-wide one-time initialisation shared between stage libraries. Several stages use the same C++
// runtime (Xerces-C: ingest validates journals, rules its configuration, render its layouts) whose global
// set-up is not thread-safe. A std::call_once inside each library does not order them against each other, so
// when their first uses race on different threads (the service answering an upload and a printout at once)
// the set-up could run twice concurrently. callOncePerProcess makes it run once under one lock for everybody.
#pragma once

#include <functional>
#include <string_view>

namespace ejournal::model {

// Runs `init` the first time `key` is seen in this process, under one process-wide mutex (so concurrent
// callers with the same key wait for it to finish, and callers with different keys are serialized too). If
// `init` throws, the exception propagates and the next caller runs it again. Thread-safe.
void callOncePerProcess(std::string_view key, const std::function<void()>& init);

}  // namespace ejournal::model
