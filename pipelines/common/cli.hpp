#pragma once
// The toolkit's one configuration mechanism for its binaries: Boost.Program_options on the
// command line, plus an INI file named by --config (keys as option names; a [section] prefixes
// its keys with "section."). The command line wins over the file. --help prints the options,
// --version the version.

#include <boost/program_options.hpp>
#include <functional>
#include <stdexcept>
#include <string>

namespace vmb::cli {

namespace po = boost::program_options;

// Bad usage: an unknown option, a malformed value, a missing required option. Exit code 2.
class UsageError : public std::runtime_error {
 public:
  explicit UsageError(const std::string& what) : std::runtime_error(what) {}
};

// Parses into vm. Returns false when --help or --version was handled (the caller exits 0).
// Throws UsageError naming the offending option or key.
bool parse(int argc, char** argv, const po::options_description& options, po::variables_map& vm,
           const std::string& program, const std::string& synopsis);

// The file named by --config: UsageError unless it is an existing regular file.
std::string config_path(const po::variables_map& vm);

// Runs body, with the temporaries of interrupted writes removed on SIGINT, SIGTERM and SIGHUP,
// turning any exception into one line "program: message" on stderr and a non-zero
// exit (2 for UsageError, 1 otherwise).
int guarded_main(const std::string& program, const std::function<int()>& body);

}  // namespace vmb::cli
