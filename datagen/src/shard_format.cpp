#include "shard_format.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "vmb/datagen/error.hpp"
#include "vmb/io/hdf5.hpp"

namespace vmb::datagen::detail {

namespace fs = std::filesystem;

const char* mode_name(Decimation d) {
  switch (d) {
    case Decimation::kNone:
      return "none";
    case Decimation::kAntiAlias:
      return "antialias";
    case Decimation::kFcnvmb:
      return "fcnvmb";
  }
  return "?";
}

bool shard_complete(const std::string& path, const ShardLayout& layout, const std::string& hash,
                    std::string& why) {
  try {
    io::H5File f(path, io::H5File::Mode::kRead);
    if (f.attribute_string("config_hash") != hash) {
      why = "it was made with other settings";
      return false;
    }
    const std::vector<io::Extent> shots{io::Extent(layout.count), io::Extent(layout.nshots),
                                        io::Extent(layout.nt), io::Extent(layout.nrec)};
    if (f.dims("/shots") != shots ||
        f.dims("/velocity") != std::vector<io::Extent>{io::Extent(layout.count),
                                                       io::Extent(layout.nz),
                                                       io::Extent(layout.nx)}) {
      why = "holds datasets of the wrong shape";
      return false;
    }
    const auto index = f.read_int64("/index");
    for (int i = 0; i < layout.count; ++i)
      if (index.size() != std::size_t(layout.count) || index[i] != layout.first + i) {
        why = "holds the wrong samples";
        return false;
      }
    // Reading the last sample checks the file reaches its end.
    f.read_slab("/shots", io::Extent(layout.count - 1));
    return true;
  } catch (const std::exception& e) {
    why = e.what();
    return false;
  }
}

std::string datagen_options(const DatasetConfig& c) {
  std::ostringstream s;
  s.precision(17);
  s << "--nshots " << c.survey.nshots;
  auto optional = [&](const char* name, const auto& value) {
    if (value) s << " --" << name << ' ' << *value;
  };
  optional("sx0", c.survey.sx0);
  optional("sx1", c.survey.sx1);
  optional("sz", c.survey.sz);
  optional("nrec", c.survey.nrec);
  optional("rx0", c.survey.rx0);
  optional("rx1", c.survey.rx1);
  optional("rz", c.survey.rz);
  s << " --nt " << c.nt << " --dt " << c.dt << " --f0 " << c.f0 << " --order " << c.order
    << " --pml " << c.pml << (c.free_surface ? " --free-surface" : "") << " --decimation "
    << mode_name(c.decimation) << " --decimation-factor " << c.decimation_factor
    << " --decimation-offset " << c.decimation_offset << " --shard-size " << c.shard_size
    << " --compression " << c.compression;
  return s.str();
}

nlohmann::json read_index(const std::string& folder) {
  const fs::path path = fs::path(folder) / "index.json";
  std::error_code ec;
  if (!fs::exists(path, ec)) return nullptr;
  std::ifstream in(path);
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw DatagenError("'" + path.string() +
                       "' is damaged (not valid JSON): remove the folder "
                       "and make the dataset again");
  }
}

std::string quoted(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789/._-+=:,") == std::string::npos)
    return word;
  std::string q = "'";
  for (char ch : word) q += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return q + "'";
}

}  // namespace vmb::datagen::detail
