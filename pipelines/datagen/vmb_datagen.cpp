// vmb-datagen: a model set and a survey in, a dataset of shards out; resumable, splittable.
//
//   vmb-datagen --models models.h5 --out dataset/ [--shard i/N] [survey, time, decimation]
//   mpirun -n 4 vmb-datagen --models models.h5 --out dataset/      (MPI builds)
//   vmb-datagen --models flat.h5 --out flat/ --survey openfwi --export-openfwi flat-openfwi/
//
// Any split gives the same files; running the same command again after a crash finishes the job.

#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli.hpp"
#include "driver.hpp"
#include "options.hpp"
#include "vmb/datagen/dataset.hpp"
#include "vmb/datagen/error.hpp"
#include "vmb/io/check.hpp"
#include "vmb/io/progress.hpp"

#ifdef VMB_WITH_MPI
#include <mpi.h>
#endif

namespace {

namespace po = vmb::cli::po;

vmb::datagen::WorkSplit parse_split(const std::string& text) {
  vmb::datagen::WorkSplit split;
  char slash = 0;
  char rest = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &split.part, &slash, &split.parts, &rest) != 3 ||
      slash != '/' || split.parts < 1 || split.part < 0 || split.part >= split.parts)
    throw vmb::cli::UsageError("--shard wants i/N with 0 <= i < N, not '" + text + "'");
  return split;
}

vmb::datagen::Decimation parse_decimation(const std::string& text) {
  if (text == "none") return vmb::datagen::Decimation::kNone;
  if (text == "antialias") return vmb::datagen::Decimation::kAntiAlias;
  if (text == "fcnvmb") return vmb::datagen::Decimation::kFcnvmb;
  throw vmb::cli::UsageError("--decimation must be none, antialias or fcnvmb");
}

class Datagen {
 public:
  static po::options_description options() {
    po::options_description io("Input and output");
    io.add_options()("models", po::value<std::string>()->required(),
                     "model set (from vmb-genmodels)")("out", po::value<std::string>()->required(),
                                                       "dataset folder")(
        "shard-size", vmb::cli::positive<int>("shard-size")->default_value(50),
        "samples per shard file")("compression",
                                  vmb::cli::bounded<int>("compression", 0, 9)->default_value(0),
                                  "gzip level 0-9")(
        "decimation", po::value<std::string>()->default_value("none"), "none | antialias | fcnvmb")(
        "decimation-factor", vmb::cli::positive<int>("decimation-factor")->default_value(1),
        "keep one sample in this many")(
        "decimation-offset", vmb::cli::non_negative<int>("decimation-offset")->default_value(2),
        "fcnvmb: keep sample f m + offset")("shard", po::value<std::string>()->default_value("0/1"),
                                            "this process's part i/N of the shards")(
        "export-openfwi", po::value<std::string>(),
        "also write the finished dataset in OpenFWI's layout into this folder: data{k}.npy "
        "[n, nshots, nt, nrec], model{k}.npy [n, 1, nz, nx]")(
        "openfwi-file-size", vmb::cli::positive<int>("openfwi-file-size")->default_value(500),
        "samples per OpenFWI file")("quiet", po::bool_switch(), "no progress on stderr");
    po::options_description all;
    all.add(io).add(vmb::cli::survey_options()).add(vmb::cli::physics_options());
    all.add(vmb::cli::threads_options());
    return all;
  }

  // Under an MPI launcher each rank takes its share of the shards.
  explicit Datagen(const po::variables_map& vm) : vm_(vm) {
#ifdef VMB_WITH_MPI
    int initialised = 0;
    MPI_Initialized(&initialised);
    if (initialised) {
      MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
      MPI_Comm_size(MPI_COMM_WORLD, &ranks_);
    }
#endif
  }

  void run() {
    vmb::datagen::DatasetConfig c;
    c.survey = vmb::cli::survey_layout(vm_);
    const auto time = vmb::cli::time_axis(vm_);
    const auto solver = vmb::cli::solver_options(vm_);
    c.nt = time.nt;
    c.dt = time.dt;
    c.f0 = vm_["f0"].as<double>();
    c.order = solver.order;
    c.pml = solver.pml_width;
    c.free_surface = solver.free_surface;
    c.threads = solver.threads;
    c.decimation = parse_decimation(vm_["decimation"].as<std::string>());
    c.decimation_factor = vm_["decimation-factor"].as<int>();
    c.decimation_offset = vm_["decimation-offset"].as<int>();
    c.shard_size = vm_["shard-size"].as<int>();
    c.compression = vm_["compression"].as<int>();
    // Processes split the shards; MPI ranks split each process's part further.
    const auto process = parse_split(vm_["shard"].as<std::string>());
    const vmb::datagen::WorkSplit split{process.part * ranks_ + rank_, process.parts * ranks_};
    const bool quiet = vm_["quiet"].as<bool>() || rank_ != 0;
    if (auto folder = vmb::cli::optional<std::string>(vm_, "export-openfwi"))
      vmb::io::prepare_output_folder({"--export-openfwi", *folder});
    vmb::io::Progress progress("vmb-datagen: samples", 0, quiet);
    const auto report = vmb::datagen::produce_dataset(
        vm_["models"].as<std::string>(), vm_["out"].as<std::string>(), c, split,
        [&](std::int64_t done, std::int64_t all) {
          progress.set_total(all);
          progress.update(done);
        },
        [&](const std::string& text) { std::fprintf(stderr, "vmb-datagen: %s\n", text.c_str()); });
    progress.finish();
    if (!quiet)
      std::fprintf(stderr,
                   "vmb-datagen: part %d/%d: %d of %d shards, %d written (%d repaired), %d already "
                   "complete; %lld samples in %.1f s (solver %.1f s, overhead %.1f %%)\n",
                   split.part, split.parts, report.mine, report.shards, report.made,
                   report.repaired, report.skipped, static_cast<long long>(report.samples),
                   report.seconds, report.solver_seconds,
                   report.solver_seconds > 0
                       ? 100.0 * (report.seconds - report.solver_seconds) / report.solver_seconds
                       : 0.0);
    if (auto folder = vmb::cli::optional<std::string>(vm_, "export-openfwi"))
      export_openfwi(*folder, split.parts > 1, quiet);
  }

 private:
  // The export reads the whole dataset, so it waits for every part: under MPI rank 0 exports
  // once all ranks are done; of separate processes, the one that finds the dataset complete.
  void export_openfwi(const std::string& folder, bool split, bool quiet) {
#ifdef VMB_WITH_MPI
    if (ranks_ > 1) MPI_Barrier(MPI_COMM_WORLD);
#endif
    if (rank_ != 0) return;
    const auto dataset = vm_["out"].as<std::string>();
    if (split) {
      try {
        vmb::datagen::DatasetReader complete(dataset);
      } catch (const vmb::DatagenError&) {
        std::fprintf(stderr,
                     "vmb-datagen: other parts are still missing; the part that finishes last "
                     "exports to OpenFWI's layout (or run this command again then)\n");
        return;
      }
    }
    vmb::io::Progress progress("vmb-datagen: OpenFWI export", 0, quiet);
    const int files =
        vmb::datagen::export_openfwi(dataset, folder, vm_["openfwi-file-size"].as<int>(),
                                     [&](std::int64_t done, std::int64_t all) {
                                       progress.set_total(all);
                                       progress.update(done);
                                     });
    progress.finish();
    if (!quiet)
      std::fprintf(stderr, "vmb-datagen: OpenFWI layout in '%s': data1..%d.npy, model1..%d.npy\n",
                   folder.c_str(), files, files);
  }

  const po::variables_map& vm_;
  int rank_ = 0, ranks_ = 1;
};

}  // namespace

int main(int argc, char** argv) {
#ifdef VMB_WITH_MPI
  // Only under an MPI launcher: a plain run needs no MPI runtime.
  const bool under_mpi =
      std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMIX_RANK") || std::getenv("PMI_RANK");
  if (under_mpi) MPI_Init(&argc, &argv);
#endif
  const int code = vmb::cli::run_tool<Datagen>(argc, argv, "vmb-datagen",
                                               "--models models.h5 --out DIR [options]");
#ifdef VMB_WITH_MPI
  if (under_mpi) {
    if (code != 0) MPI_Abort(MPI_COMM_WORLD, code);
    MPI_Finalize();
  }
#endif
  return code;
}
