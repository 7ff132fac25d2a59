#pragma once
// What the dataset writer (dataset.cpp) and reader (dataset_reader.cpp) share of the folder's
// format: a shard's layout and its completeness check, index.json, and the vmb-datagen command
// that makes a dataset, which the reader names when one is incomplete.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "vmb/datagen/dataset.hpp"

namespace vmb::datagen::detail {

// The name of a decimation mode as index.json and vmb-datagen spell it.
const char* mode_name(Decimation d);

struct ShardLayout {
  int shard = 0;
  std::int64_t first = 0;
  int count = 0;
  int nshots = 0, nt = 0, nrec = 0, nz = 0, nx = 0;
};

// Whether the shard file holds this shard of this dataset, complete. Sets why when it does not.
bool shard_complete(const std::string& path, const ShardLayout& layout, const std::string& hash,
                    std::string& why);

// The vmb-datagen options that make a dataset with these settings (all but --models, --out).
std::string datagen_options(const DatasetConfig& c);

// The folder's index.json, parsed; null if there is none. DatagenError if it is damaged.
nlohmann::json read_index(const std::string& folder);

// Shell quoting for a word of a command line shown to the user.
std::string quoted(const std::string& word);

}  // namespace vmb::datagen::detail
