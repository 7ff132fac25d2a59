#include <filesystem>
#include <regex>

#include "vmb/datagen/dataset.hpp"
#include "vmb/datagen/error.hpp"
#include "vmb/io/check.hpp"
#include "vmb/io/npy.hpp"

namespace vmb::datagen {
namespace {

namespace fs = std::filesystem;

// Files of an earlier export that this one would not replace: data{k}.npy or model{k}.npy with
// k > files. Left beside the new ones, OpenFWI's loaders would read them as part of the set.
void refuse_leftovers(const fs::path& out, int files) {
  std::error_code ec;
  if (!fs::is_directory(out, ec)) return;
  static const std::regex numbered(R"((data|model)([0-9]+)\.npy)");
  for (const auto& entry : fs::directory_iterator(out, ec)) {
    const std::string name = entry.path().filename().string();
    std::smatch m;
    if (std::regex_match(name, m, numbered) && std::stoll(m[2].str()) > files)
      throw DatagenError("'" + out.string() + "' holds " + name +
                         " from another export, beyond this one's " + std::to_string(files) +
                         " files: remove it or export into another folder");
  }
}

}  // namespace

int export_openfwi(const std::string& dataset, const std::string& out, int samples_per_file,
                   const std::function<void(std::int64_t, std::int64_t)>& progress) {
  if (samples_per_file < 1) throw DatagenError("an OpenFWI export needs at least 1 sample a file");
  const DatasetReader reader(dataset);
  const DatasetInfo& info = reader.info();
  std::error_code ec;
  if (fs::exists(out, ec) && fs::equivalent(out, dataset, ec))
    throw DatagenError("the OpenFWI export must go to its own folder, not the dataset's '" +
                       dataset + "'");
  const int files = int((info.samples + samples_per_file - 1) / samples_per_file);
  refuse_leftovers(out, files);
  io::prepare_output_folder({"OpenFWI export", out});
  const std::size_t gather_size = std::size_t(info.nshots) * info.nt * info.nrec;
  const std::size_t model_size = std::size_t(info.nz) * info.nx;
  io::check_free_space(out, 4.0 * double(info.samples) * double(gather_size + model_size),
                       "the OpenFWI export");

  std::vector<float> gathers, velocity;
  std::int64_t done = 0;
  for (int k = 1; k <= files; ++k) {
    const std::size_t n =
        std::size_t(std::min<std::int64_t>(samples_per_file, info.samples - done));
    const fs::path folder(out);
    io::NpyWriter data((folder / ("data" + std::to_string(k) + ".npy")).string(),
                       {n, std::size_t(info.nshots), std::size_t(info.nt), std::size_t(info.nrec)});
    io::NpyWriter model((folder / ("model" + std::to_string(k) + ".npy")).string(),
                        {n, 1, std::size_t(info.nz), std::size_t(info.nx)});
    for (std::size_t i = 0; i < n; ++i, ++done) {
      reader.read(done, gathers, velocity);
      data.append(gathers.data(), gathers.size());
      model.append(velocity.data(), velocity.size());
      if (progress) progress(done + 1, info.samples);
    }
    data.commit();
    model.commit();
  }
  return files;
}

}  // namespace vmb::datagen
