#include "cli.hpp"

#include <omp.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "driver.hpp"
#include "options.hpp"
#include "vmb/io/atomic_file.hpp"
#include "vmb/io/gathers_io.hpp"

namespace vmb::cli {

std::string config_path(const po::variables_map& vm) {
  const std::string path = vm["config"].as<std::string>();
  std::error_code ec;
  if (!std::filesystem::exists(path, ec))
    throw UsageError("config file '" + path + "' does not exist");
  if (!std::filesystem::is_regular_file(path, ec))
    throw UsageError("config file '" + path + "' is not a file");
  return path;
}

bool parse(int argc, char** argv, const po::options_description& options, po::variables_map& vm,
           const std::string& program, const std::string& synopsis) {
  po::options_description generic("General");
  generic.add_options()("help,h", "print this help and exit")(
      "version", "print the version and exit")("config", po::value<std::string>(),
                                               "INI file of options; the command line wins");
  po::options_description all;
  all.add(generic).add(options);
  try {
    po::store(po::command_line_parser(argc, argv).options(all).run(), vm);
    if (vm.count("help")) {
      std::cout << "Usage: " << program << " " << synopsis << "\n\n" << all << "\n";
      return false;
    }
    if (vm.count("version")) {
      std::cout << program << " " << io::version() << "\n";
      return false;
    }
    if (vm.count("config")) {
      const std::string path = config_path(vm);
      std::ifstream file(path);
      if (!file) throw UsageError("cannot read config file '" + path + "'");
      try {
        po::store(po::parse_config_file(file, options), vm);
      } catch (const po::error& e) {
        throw UsageError("config file '" + path + "': " + e.what());
      }
    }
    if (vm.count("survey")) apply_survey_preset(options, vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return true;
}

void set_openmp_threads(int threads) {
  if (threads > 0) omp_set_num_threads(threads);
}

int guarded_main(const std::string& program, const std::function<int()>& body) {
  io::remove_temporaries_on_signal();
  try {
    return body();
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: %s (see --help)\n", program.c_str(), e.what());
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "%s: out of memory\n", program.c_str());
    return 1;
  } catch (const std::exception& e) {
    // Some libraries append a backtrace to their message: the first line says what went wrong.
    const std::string what = e.what();
    std::fprintf(stderr, "%s: %s\n", program.c_str(), what.substr(0, what.find('\n')).c_str());
    return 1;
  }
}

}  // namespace vmb::cli
