// ejournal's command-line entry point: a thin shell over the library (conventions §4).
#include "cli.h"

int main(int argc, char** argv) { return ejournal::app::runCli(argc, argv); }
