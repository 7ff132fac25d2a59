// Training: a narrow network overfits a few samples, checkpoints reload to identical predictions,
// an interrupted-and-resumed run equals an uninterrupted one, and bad input is refused.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "fixture.hpp"
#include "run.hpp"
#include "vmb/io/hdf5.hpp"
#include "vmb/network/train.hpp"

namespace {

namespace fs = std::filesystem;

vmb::network::TrainConfig tiny_config(const vmb::test::TempDir& dir, const std::string& run) {
  vmb::network::TrainConfig c;
  c.train_data = dir / "train";
  c.run = dir / run;
  c.epochs = 60;
  c.batch_size = 4;
  c.width = 8;
  c.scale_labels = true;
  c.standardise_data = true;
  c.device = "cpu";
  c.quiet = true;
  c.seed = 3;
  return c;
}

}  // namespace

TEST(Training, NarrowNetworkOverfitsEightSamples) {
  vmb::test::TempDir dir;
  vmb::test::make_tiny_dataset(dir / "train", 8, 1);
  const auto history = vmb::network::train(tiny_config(dir, "run"));
  ASSERT_EQ(history.size(), 60u);
  std::printf("loss from %.4g to %.4g (%.1f %%)\n", history.front().train, history.back().train,
              100 * history.back().train / history.front().train);
  EXPECT_LT(history.back().train, 0.05 * history.front().train);
  EXPECT_TRUE(fs::exists(dir / "run/checkpoint.pt"));
  EXPECT_TRUE(fs::exists(dir / "run/loss.png"));
  std::ifstream csv(dir / "run/loss.csv");
  std::string header;
  std::getline(csv, header);
  EXPECT_EQ(header, "epoch,train_mse,validation_mse,seconds");
}

TEST(Training, CheckpointReloadsToIdenticalPredictions) {
  vmb::test::TempDir dir;
  vmb::test::make_tiny_dataset(dir / "train", 8, 1);
  auto config = tiny_config(dir, "run");
  config.epochs = 2;
  vmb::network::train(config);
  auto a = vmb::network::load_checkpoint(dir / "run/checkpoint.pt");
  auto b = vmb::network::load_checkpoint(dir / "run/checkpoint.pt");
  vmb::network::ShardDataset data(dir / "train", a.time);
  const auto x = data.sample(3).first.unsqueeze(0);
  const auto pa = vmb::network::predict(a, x), pb = vmb::network::predict(b, x);
  EXPECT_EQ(pa.sizes().vec(), (std::vector<std::int64_t>{1, 24, 32}));
  EXPECT_TRUE(torch::equal(pa, pb));
  EXPECT_EQ(a.epoch, 2);
  EXPECT_EQ(a.history.size(), 2u);
  EXPECT_EQ(a.mean_model.sizes().vec(), (std::vector<std::int64_t>{24, 32}));
}

TEST(Training, InterruptedAndResumedEqualsUninterrupted) {
  vmb::test::TempDir dir;
  vmb::test::make_tiny_dataset(dir / "train", 8, 1);
  vmb::test::make_tiny_dataset(dir / "validation", 3, 2);
  auto straight = tiny_config(dir, "straight");
  straight.epochs = 4;
  straight.validation_data = dir / "validation";
  const auto h1 = vmb::network::train(straight);
  auto first = tiny_config(dir, "resumed");
  first.epochs = 2;  // the run stops after two epochs...
  first.validation_data = dir / "validation";
  vmb::network::train(first);
  auto second = first;  // ...and is resumed to four
  second.epochs = 4;
  second.resume = true;
  const auto h2 = vmb::network::train(second);
  ASSERT_EQ(h1.size(), h2.size());
  for (std::size_t i = 0; i < h1.size(); ++i) {
    EXPECT_EQ(h1[i].train, h2[i].train) << i;
    EXPECT_EQ(h1[i].validation, h2[i].validation) << i;
  }
  auto a = vmb::network::load_checkpoint(dir / "straight/checkpoint.pt");
  auto b = vmb::network::load_checkpoint(dir / "resumed/checkpoint.pt");
  auto pa = a.net->parameters(), pb = b.net->parameters();
  for (std::size_t i = 0; i < pa.size(); ++i) EXPECT_TRUE(torch::equal(pa[i], pb[i])) << i;
}

TEST(Training, BadInputIsRefused) {
  vmb::test::TempDir dir;
  vmb::test::make_tiny_dataset(dir / "train", 4, 1);
  auto config = tiny_config(dir, "run");
  config.epochs = 1;
  vmb::network::train(config);
  auto message = [](const std::function<void()>& f) -> std::string {
    try {
      f();
    } catch (const vmb::NetworkError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message([&] { vmb::network::load_checkpoint(dir / "missing.pt"); }).find("does not exist"),
            std::string::npos);
  std::ofstream(dir / "junk.pt") << "junk";
  EXPECT_NE(message([&] { vmb::network::load_checkpoint(dir / "junk.pt"); }).find("not a vmbkit checkpoint"),
            std::string::npos);
  fs::create_directories(dir / "empty");
  auto empty = config;
  empty.train_data = dir / "empty";
  EXPECT_NE(message([&] { vmb::network::train(empty); }).find("holds no samples"), std::string::npos);
  // Fine-tuning data whose gathers differ from what the checkpoint's network takes.
  vmb::test::make_tiny_dataset(dir / "other", 2, 1, /*nshots=*/2, /*decimate=*/false);
  auto tune = config;
  tune.train_data = dir / "other";
  tune.run = dir / "tune";
  tune.init = dir / "run/checkpoint.pt";
  EXPECT_NE(message([&] { vmb::network::train(tune); }).find("the checkpoint's network takes"),
            std::string::npos);
}

TEST(Training, NanLossStopsAndKeepsTheLastGoodCheckpoint) {
  vmb::test::TempDir dir;
  vmb::test::make_tiny_dataset(dir / "train", 4, 1);
  auto config = tiny_config(dir, "run");
  config.epochs = 1;
  vmb::network::train(config);
  std::ifstream good_file(dir / "run/checkpoint.pt", std::ios::binary);
  const std::string good((std::istreambuf_iterator<char>(good_file)), {});
  // The same data with a NaN in one model: the loss turns NaN in the next epoch.
  fs::copy(dir / "train", dir / "poisoned");
  {
    vmb::io::H5File f(dir / "poisoned/shard_00000.h5", vmb::io::H5File::Mode::kReadWrite);
    auto v = f.read_slab("/velocity", 1);
    v[100] = std::nanf("");
    f.write_slab("/velocity", 1, v.data());
  }
  auto resumed = config;
  resumed.train_data = dir / "poisoned";
  resumed.epochs = 3;
  resumed.resume = true;
  try {
    vmb::network::train(resumed);
    FAIL() << "no error";
  } catch (const vmb::NetworkError& e) {
    EXPECT_NE(std::string(e.what()).find("the loss became nan in epoch 2"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("last good checkpoint"), std::string::npos);
  }
  std::ifstream after_file(dir / "run/checkpoint.pt", std::ios::binary);
  const std::string after((std::istreambuf_iterator<char>(after_file)), {});
  EXPECT_TRUE(after == good);
}
