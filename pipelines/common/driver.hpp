#pragma once
// The one shape of every tool, as deal.II's tutorial programs have it: a small class built from
// the parsed options, with a public run() and private stages. run_tool is the whole of main:
//
//   class Simulate {
//    public:
//     static po::options_description options();   // the tool's options
//     explicit Simulate(const po::variables_map& vm);
//     void run();
//   };
//   int main(int argc, char** argv) {
//     return vmb::cli::run_tool<Simulate>(argc, argv, "vmb-simulate", "[options]");
//   }
//
// A tool whose options depend on the command line (vmb-pipeline: its preset sets every default)
// declares options(argc, argv) instead; one that explains an unknown option declares
// unknown_option_hint(), which the message ends with.
//
// It parses the command line and the INI file (cli::parse), sets the thread count from --threads
// where the tool has it (set_threads: OpenMP's for the solver tools, vmb::network::set_threads for
// the LibTorch ones), runs the tool, and turns any failure into one line on stderr and a non-zero
// exit (cli::guarded_main).

#include <string>
#include <type_traits>

#include "cli.hpp"

namespace vmb::cli {

namespace detail {

template <class Tool, class = void>
struct HasHint : std::false_type {};
template <class Tool>
struct HasHint<Tool, std::void_t<decltype(Tool::unknown_option_hint())>> : std::true_type {};

template <class Tool>
po::options_description options_of(int argc, char** argv) {
  if constexpr (std::is_invocable_v<decltype(&Tool::options), int, char**>)
    return Tool::options(argc, argv);
  else
    return Tool::options();
}

}  // namespace detail

// Sets OpenMP's thread count; 0 leaves its default (OMP_NUM_THREADS, else every core).
void set_openmp_threads(int threads);

template <class Tool>
int run_tool(int argc, char** argv, const std::string& program, const std::string& synopsis,
             void (*set_threads)(int) = set_openmp_threads) {
  return guarded_main(program, [&] {
    po::variables_map vm;
    try {
      if (!parse(argc, argv, detail::options_of<Tool>(argc, argv), vm, program, synopsis)) return 0;
    } catch (const UsageError& e) {
      const std::string what = e.what();
      if constexpr (detail::HasHint<Tool>::value)
        if (what.find("unrecognised option") != std::string::npos)
          throw UsageError(what + "; " + Tool::unknown_option_hint());
      throw;
    }
    set_threads(vm.count("threads") ? vm["threads"].as<int>() : 0);
    Tool(vm).run();
    return 0;
  });
}

}  // namespace vmb::cli
