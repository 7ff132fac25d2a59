#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "shard_format.hpp"
#include "vmb/datagen/dataset.hpp"
#include "vmb/datagen/error.hpp"
#include "vmb/io/check.hpp"
#include "vmb/io/hdf5.hpp"

namespace vmb::datagen {

namespace fs = std::filesystem;
using detail::quoted;
using detail::read_index;
using detail::shard_complete;
using detail::ShardLayout;

DatasetReader::DatasetReader(const std::string& folder) {
  std::error_code ec;
  if (!fs::is_directory(folder, ec))
    throw DatagenError("dataset folder '" + folder + "' does not exist");
  const nlohmann::json j = read_index(folder);
  if (j.is_null())
    throw DatagenError("'" + folder +
                       "' holds no dataset (no index.json): make it with vmb-datagen");
  info_.folder = folder;
  try {
    if (j.at("format").get<std::string>() != "vmbkit-dataset") throw DatagenError("");
    info_.config_hash = j.at("config_hash").get<std::string>();
    info_.command = "vmb-datagen --models " + quoted(j.at("model_set").get<std::string>()) +
                    " --out " + quoted(fs::absolute(folder).lexically_normal().string()) + " " +
                    j.at("options").get<std::string>();
    info_.samples = j.at("samples").get<std::int64_t>();
    info_.nshots = j.at("nshots").get<int>();
    info_.nt = j.at("nt").get<int>();
    info_.nrec = j.at("nrec").get<int>();
    info_.nz = j.at("nz").get<int>();
    info_.nx = j.at("nx").get<int>();
    info_.dx = j.at("dx").get<double>();
    info_.dz = j.at("dz").get<double>();
    info_.dt = j.at("dt").get<double>();
    info_.decimation = j.at("decimation").get<std::string>();
    for (const auto& e : j.at("shards"))
      shards_.push_back({(fs::path(folder) / e.at("file").get<std::string>()).string(),
                         e.at("first").get<std::int64_t>(), e.at("count").get<int>()});
  } catch (const std::exception&) {
    throw DatagenError("'" + folder +
                       "/index.json' is not a vmbkit dataset index (fields missing "
                       "or of the wrong type)");
  }
  if (info_.samples <= 0 || shards_.empty())
    throw DatagenError("dataset '" + folder + "' holds no samples");
  std::int64_t next = 0;
  for (const auto& e : shards_) {
    if (e.first != next || e.count <= 0)
      throw DatagenError("'" + folder + "/index.json' lists shards that do not follow each other");
    next += e.count;
  }
  if (next != info_.samples)
    throw DatagenError("'" + folder + "/index.json' lists " + std::to_string(next) +
                       " samples in its shards, not " + std::to_string(info_.samples));

  std::vector<std::string> problems;
  for (std::size_t s = 0; s < shards_.size(); ++s) {
    const ShardEntry& e = shards_[s];
    ShardLayout layout;
    layout.shard = int(s);
    layout.first = e.first;
    layout.count = e.count;
    layout.nshots = info_.nshots;
    layout.nt = info_.nt;
    layout.nrec = info_.nrec;
    layout.nz = info_.nz;
    layout.nx = info_.nx;
    std::string why;
    const std::string name = fs::path(e.path).filename().string();
    if (!fs::exists(e.path, ec))
      problems.push_back(name + " missing");
    else if (!shard_complete(e.path, layout, info_.config_hash, why))
      problems.push_back(name + " unfinished (" + why + ")");
  }
  if (!problems.empty()) {
    std::string list;
    for (std::size_t k = 0; k < std::min<std::size_t>(problems.size(), 4); ++k)
      list += (k ? ", " : "") + problems[k];
    if (problems.size() > 4) list += ", ...";
    throw DatagenError("dataset '" + folder +
                       "' is incomplete: " + std::to_string(problems.size()) + " of " +
                       std::to_string(shards_.size()) + " shards missing or unfinished (" + list +
                       "); complete it with: " + info_.command);
  }
  const io::H5File first(shards_.front().path, io::H5File::Mode::kRead);
  info_.sources_x = first.attribute_doubles("sources_x");
  info_.sources_z = first.attribute_doubles("sources_z");
  info_.receivers_x = first.attribute_doubles("receivers_x");
  info_.receivers_z = first.attribute_doubles("receivers_z");
  if (info_.sources_x.size() != std::size_t(info_.nshots) ||
      info_.sources_z.size() != std::size_t(info_.nshots) ||
      info_.receivers_x.size() != std::size_t(info_.nrec) ||
      info_.receivers_z.size() != std::size_t(info_.nrec))
    throw DatagenError("dataset '" + folder + "': " + shards_.front().path +
                       " records a survey of another size than its gathers'");
}

bool survey_mirrors(const DatasetInfo& info) {
  const double width = (info.nx - 1) * info.dx, tolerance = 1e-6 * info.dx;
  auto mirrors = [&](const std::vector<double>& x, const std::vector<double>& z) {
    for (std::size_t i = 0, n = x.size(); i < n; ++i)
      if (std::abs(x[i] + x[n - 1 - i] - width) > tolerance ||
          std::abs(z[i] - z[n - 1 - i]) > tolerance)
        return false;
    return !x.empty();
  };
  return mirrors(info.sources_x, info.sources_z) && mirrors(info.receivers_x, info.receivers_z);
}

void DatasetReader::read(std::int64_t i, std::vector<float>& gathers,
                         std::vector<float>& velocity) const {
  if (i < 0 || i >= info_.samples)
    throw DatagenError("sample " + std::to_string(i) + " is not in dataset '" + info_.folder + "'");
  const ShardEntry& e = shards_[std::size_t(i / shards_.front().count)];
  const io::Extent local = io::Extent(i - e.first);
  io::H5File f(e.path, io::H5File::Mode::kRead);
  gathers = f.read_slab("/shots", local);
  velocity = f.read_slab("/velocity", local);
  const std::string where = "dataset '" + info_.folder + "' sample " + std::to_string(i) + " (" +
                            fs::path(e.path).filename().string() + ")";
  io::check_finite(gathers.data(),
                   {std::size_t(info_.nshots), std::size_t(info_.nt), std::size_t(info_.nrec)},
                   {"shot", "time sample", "receiver"}, where + " gathers");
  io::check_finite(velocity.data(), {std::size_t(info_.nz), std::size_t(info_.nx)},
                   {"row", "column"}, where + " velocity");
}

std::vector<float> DatasetReader::shard_velocities(int s) const {
  const ShardEntry& e = shards_.at(std::size_t(s));
  io::H5File f(e.path, io::H5File::Mode::kRead);
  std::vector<float> v = f.read("/velocity");
  io::check_finite(v.data(), {std::size_t(e.count), std::size_t(info_.nz), std::size_t(info_.nx)},
                   {"sample", "row", "column"}, "'" + e.path + "' velocity");
  return v;
}

}  // namespace vmb::datagen
