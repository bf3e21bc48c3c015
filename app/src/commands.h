// Declarations of the CLI commands (one function per cmd_<name>.cpp), collected by commands.cpp.
#pragma once

#include "cli.h"

namespace ejournal::app {

Command sampleCommand();  // cmd_sample.cpp

}  // namespace ejournal::app
