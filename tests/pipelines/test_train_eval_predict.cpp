// vmb-train, vmb-eval and vmb-predict end to end on tiny data, and their answers to bad input.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "run.hpp"
#include "tiny_dataset.hpp"
#include "vmb/datagen/model_set.hpp"
#include "vmb/io/gathers_io.hpp"
#include "vmb/io/hdf5.hpp"
#include "vmb/io/model_io.hpp"

namespace {
namespace fs = std::filesystem;
const std::string kTrain = VMB_TRAIN, kEval = VMB_EVAL, kPredict = VMB_PREDICT,
                  kSimulate = VMB_SIMULATE;
}  // namespace

TEST(Tools, TrainEvaluatePredict) {
  vmb::test::TempDir dir;
  vmb::test::make_tiny_dataset(dir / "train", 6, 1);
  vmb::test::make_tiny_dataset(dir / "test", 3, 2);
  auto r =
      vmb::test::run(kTrain + " --train " + (dir / "train") + " --run " + (dir / "run") +
                     " --epochs 3 --batch-size 3 --width 4 --scale-labels --device cpu --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = vmb::test::run(kEval + " --checkpoint " + (dir / "run/checkpoint.pt") + " --data " +
                     (dir / "test") + " --out " + (dir / "eval") + " --panels 0,2 --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* f :
       {"metrics.json", "metrics.csv", "predictions.h5", "panel_00000.png", "panel_00002.png"})
    EXPECT_TRUE(fs::exists(dir / ("eval/" + std::string(f)))) << f;
  std::ifstream json(dir / "eval/metrics.json");
  const std::string text((std::istreambuf_iterator<char>(json)), {});
  EXPECT_NE(text.find("\"baseline\""), std::string::npos);
  EXPECT_NE(text.find("\"paper_ssim\""), std::string::npos);
  vmb::io::H5File p(dir / "eval/predictions.h5", vmb::io::H5File::Mode::kRead);
  EXPECT_EQ(p.dims("/prediction"), (std::vector<vmb::io::Extent>{3, 24, 32}));

  // A gathers file from vmb-simulate with the training survey: 3 shots, 33 receivers, 200 x 1 ms.
  vmb::io::write_model(dir / "m.h5", vmb::demo_model(24, 32, 10.0));
  r = vmb::test::run(kSimulate + " --model " + (dir / "m.h5") + " --nshots 3 --nrec 33 --nt 200 " +
                     "--f0 20 --threads 1 --quiet --out " + (dir / "g.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  // The network was trained on FCNVMB-decimated shards (stored 40 samples); vmb-simulate's file
  // holds all 200, which the checkpoint's time selection (factor 1) does not reduce: refused.
  r = vmb::test::run(kPredict + " --checkpoint " + (dir / "run/checkpoint.pt") + " --gathers " +
                     (dir / "g.h5") + " --out " + (dir / "pred.h5"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("the network takes 3 x 40 x 33"), std::string::npos) << r.output;
  // Trained with the reference's time selection on full-rate data, prediction works.
  vmb::test::make_tiny_dataset(dir / "full", 6, 1, /*nshots=*/3, /*decimate=*/false);
  r = vmb::test::run(
      kTrain + " --train " + (dir / "full") + " --run " + (dir / "run5") +
      " --epochs 1 --batch-size 3 --width 4 --time-factor 5 --time-offset 2 --device cpu --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = vmb::test::run(kPredict + " --checkpoint " + (dir / "run5/checkpoint.pt") + " --gathers " +
                     (dir / "g.h5") + " --out " + (dir / "pred.h5") + " --png " +
                     (dir / "pred.png"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto predicted = vmb::io::read_model(dir / "pred.h5");
  EXPECT_EQ(predicted.nz, 24);
  EXPECT_EQ(predicted.nx, 32);
  EXPECT_TRUE(fs::exists(dir / "pred.png"));
}

TEST(Tools, BadInput) {
  vmb::test::TempDir dir;
  vmb::test::make_tiny_dataset(dir / "train", 3, 1);
  auto expect_error = [](const std::string& command, const std::string& what) {
    const auto r = vmb::test::run(command);
    EXPECT_NE(r.exit_code, 0) << command;
    EXPECT_NE(r.output.find(what), std::string::npos) << command << "\n" << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  };
  expect_error(kEval + " --checkpoint " + (dir / "none.pt") + " --data " + (dir / "train") +
                   " --out " + (dir / "e"),
               "does not exist");
  expect_error(kTrain + " --train " + (dir / "nothing") + " --run " + (dir / "r"),
               "does not exist");
  fs::create_directories(dir / "empty");
  expect_error(kTrain + " --train " + (dir / "empty") + " --run " + (dir / "r"),
               "holds no dataset (no index.json)");
  expect_error(kTrain + " --train " + (dir / "train") + " --run " + (dir / "r") + " --device tpu",
               "device 'tpu'");
  expect_error(kTrain + " --run " + (dir / "r"), "--train is required");
  expect_error(kTrain + " --train " + (dir / "train") + " --run " + (dir / "r") + " --resume",
               "checkpoint");
}

namespace {

const auto slurp = vmb::test::file_bytes;

// A non-zero exit and one line naming what.
void expect_refusal(const std::string& command, int code, const std::string& what) {
  const auto r = vmb::test::run(command);
  EXPECT_EQ(r.exit_code, code) << command << "\n" << r.output;
  EXPECT_NE(r.output.find(what), std::string::npos) << command << "\n" << r.output;
  EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
}

}  // namespace

TEST(Tools, NothingSilentlyWrong) {
  vmb::test::TempDir dir;
  vmb::test::make_tiny_dataset(dir / "train", 4, 1);
  const std::string base =
      kTrain + " --train " + (dir / "train") + " --width 4 --device cpu --quiet";
  const std::string train = base + " --epochs 1 --batch-size 2";
  auto r = vmb::test::run(train + " --run " + (dir / "run"));
  ASSERT_EQ(r.exit_code, 0) << r.output;

  // Options out of range are refused before any work (a batch size of 0 was a SIGFPE).
  expect_refusal(base + " --run " + (dir / "r1") + " --batch-size 0", 2,
                 "--batch-size 0 is out of range");
  expect_refusal(train + " --run " + (dir / "r1") + " --threads -3", 2,
                 "--threads -3 is out of range");
  expect_refusal(train + " --run " + (dir / "r1") + " --lr 0", 2, "--lr 0 is out of range");
  EXPECT_FALSE(fs::exists(dir / "r1"));
  // Resuming under other settings names the difference.
  expect_refusal(base + " --batch-size 2 --run " + (dir / "run") + " --resume --epochs 2 --lr 0.01",
                 1, "--lr 0.01 (the checkpoint's: 0.001)");

  // A partial dataset (one part of two) is refused for training, validation and evaluation.
  const std::string datagen = std::string(VMB_DATAGEN);
  vmb::datagen::GeneratorConfig g;
  g.name = "flat";
  g.nz = 24;
  g.nx = 32;
  vmb::datagen::generate_model_set(dir / "part.models.h5", g, 9, 6);
  r = vmb::test::run(
      datagen + " --models " + (dir / "part.models.h5") + " --out " + (dir / "part") +
      " --nshots 3 --nrec 33 --nt 200 --f0 20 --decimation fcnvmb --decimation-factor 5"
      " --shard-size 3 --shard 0/2 --threads 1 --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string partial =
      "is incomplete: 1 of 2 shards missing or unfinished (shard_00001.h5 missing)";
  expect_refusal(
      kTrain + " --train " + (dir / "part") + " --run " + (dir / "r2") + " --width 4 --quiet", 1,
      partial);
  expect_refusal(train + " --run " + (dir / "r3") + " --validation " + (dir / "part"), 1, partial);
  const std::string eval = kEval + " --checkpoint " + (dir / "run/checkpoint.pt") + " --quiet";
  expect_refusal(eval + " --data " + (dir / "part") + " --out " + (dir / "e1"), 1, partial);

  // Panels that are not in the dataset are named, not skipped.
  expect_refusal(eval + " --data " + (dir / "train") + " --out " + (dir / "e2") + " --panels 1,99",
                 1, "panel sample 99 is not in dataset");
  expect_refusal(eval + " --data " + (dir / "train") + " --out " + (dir / "e2") + " --panels x", 2,
                 "--panels");

  // NaN in a dataset is refused with its position, never scored.
  fs::copy(dir / "train", dir / "nan");
  {
    vmb::io::H5File f(dir / "nan/shard_00000.h5", vmb::io::H5File::Mode::kReadWrite);
    auto shots = f.read_slab("/shots", 2);
    shots[(std::size_t(1) * 40 + 3) * 33 + 5] = std::nanf("");
    f.write_slab("/shots", 2, shots.data());
  }
  expect_refusal(
      eval + " --data " + (dir / "nan") + " --out " + (dir / "e3"), 1,
      "sample 2 (shard_00000.h5) gathers holds NaN at shot 1, time sample 3, receiver 5");
  EXPECT_FALSE(fs::exists(dir / "e3/metrics.json"));

  // metrics.json is strict JSON whatever the paths hold.
  const std::string odd = dir / "out \"quoted\" \\ here";
  r = vmb::test::run(eval + " --data " + (dir / "train") + " --out '" + odd + "' --panels 0");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto metrics = nlohmann::json::parse(slurp(odd + "/metrics.json"));
  EXPECT_EQ(metrics.at("samples"), 4);
  EXPECT_TRUE(metrics.at("mean").at("network").at("mae").is_number());

  // vmb-predict: every output checked before the work; an input is never overwritten; NaN
  // gathers are named.
  vmb::io::write_model(dir / "m.h5", vmb::demo_model(24, 32, 10.0));
  r = vmb::test::run(kSimulate + " --model " + (dir / "m.h5") + " --nshots 3 --nrec 33 --nt 200 " +
                     "--f0 20 --threads 1 --quiet --out " + (dir / "g.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string gathers = slurp(dir / "g.h5");
  const std::string predict =
      kPredict + " --checkpoint " + (dir / "run/checkpoint.pt") + " --gathers " + (dir / "g.h5");
  expect_refusal(predict + " --out " + (dir / "g.h5"), 1, "is the input --gathers");
  EXPECT_TRUE(slurp(dir / "g.h5") == gathers);
  expect_refusal(predict + " --out " + (dir / "p.h5") + " --png /nonexistent-folder/p.png", 1,
                 "--png '/nonexistent-folder/p.png': folder '/nonexistent-folder' does not exist");
  EXPECT_FALSE(fs::exists(dir / "p.h5"));
  expect_refusal(predict + " --out " + (dir / "p.txt"), 1, "cannot tell the model format");
  fs::copy(dir / "g.h5", dir / "nan.h5");
  {
    vmb::io::H5File f(dir / "nan.h5", vmb::io::H5File::Mode::kReadWrite);
    auto shot = f.read_slab("/shots", 2);
    shot[std::size_t(17) * 33 + 8] = std::nanf("");
    f.write_slab("/shots", 2, shot.data());
  }
  expect_refusal(kPredict + " --checkpoint " + (dir / "run/checkpoint.pt") + " --gathers " +
                     (dir / "nan.h5") + " --out " + (dir / "p.h5"),
                 1, "/shots holds NaN at shot 2, time sample 17, receiver 8");
  EXPECT_FALSE(fs::exists(dir / "p.h5"));
}

// --network: vmb-train builds the architecture named, vmb-eval and vmb-predict rebuild it from
// the checkpoint, and a checkpoint given where another architecture is asked for is refused in
// one line before any work.
TEST(Tools, NetworkChoiceIsRecordedAndChecked) {
  vmb::test::TempDir dir;
  vmb::test::make_tiny_dataset(dir / "train", 4, 1, /*nshots=*/3, /*decimate=*/false);
  auto r = vmb::test::run(kTrain + " --train " + (dir / "train") + " --run " + (dir / "run") +
                          " --network unetpp --epochs 1 --batch-size 2 --width 4 --scale-labels " +
                          "--time-factor 5 --time-offset 2 --device cpu --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string checkpoint = dir / "run/checkpoint.pt";
  r = vmb::test::run(kEval + " --checkpoint " + checkpoint + " --data " + (dir / "train") +
                     " --out " + (dir / "eval") + " --panels 0 --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  vmb::io::write_model(dir / "m.h5", vmb::demo_model(24, 32, 10.0));
  r = vmb::test::run(kSimulate + " --model " + (dir / "m.h5") + " --nshots 3 --nrec 33 --nt 200 " +
                     "--f0 20 --threads 1 --quiet --out " + (dir / "g.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = vmb::test::run(kPredict + " --network unetpp --checkpoint " + checkpoint + " --gathers " +
                     (dir / "g.h5") + " --out " + (dir / "pred.h5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;

  const std::string refused = "holds a unetpp network, not the fcnvmb asked for";
  for (const std::string& command :
       {kEval + " --network fcnvmb --checkpoint " + checkpoint + " --data " + (dir / "train") +
            " --out " + (dir / "eval2"),
        kPredict + " --network fcnvmb --checkpoint " + checkpoint + " --gathers " + (dir / "g.h5") +
            " --out " + (dir / "pred2.h5"),
        kTrain + " --network fcnvmb --init " + checkpoint + " --train " + (dir / "train") +
            " --run " + (dir / "finetune")}) {
    r = vmb::test::run(command);
    EXPECT_EQ(r.exit_code, 1) << command;
    EXPECT_NE(r.output.find(refused), std::string::npos) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
  }
  EXPECT_FALSE(fs::exists(dir / "eval2"));
  EXPECT_FALSE(fs::exists(dir / "pred2.h5"));
  r = vmb::test::run(kTrain + " --network lenet --train " + (dir / "train") + " --run " +
                     (dir / "bad"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("unknown network 'lenet'"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(dir / "bad"));
}
