// vmb-train, vmb-eval and vmb-predict end to end on tiny data, and their answers to bad input.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "fixture.hpp"
#include "run.hpp"
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
  auto r = vmb::test::run(kTrain + " --train " + (dir / "train") + " --run " + (dir / "run") +
                          " --epochs 3 --batch-size 3 --width 4 --scale-labels --device cpu --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = vmb::test::run(kEval + " --checkpoint " + (dir / "run/checkpoint.pt") + " --data " +
                     (dir / "test") + " --out " + (dir / "eval") + " --panels 0,2 --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* f : {"metrics.json", "metrics.csv", "predictions.h5", "panel_00000.png", "panel_00002.png"})
    EXPECT_TRUE(fs::exists(dir / ("eval/" + std::string(f)))) << f;
  std::ifstream json(dir / "eval/metrics.json");
  const std::string text((std::istreambuf_iterator<char>(json)), {});
  EXPECT_NE(text.find("\"baseline\""), std::string::npos);
  EXPECT_NE(text.find("\"paper_ssim\""), std::string::npos);
  vmb::io::H5File p(dir / "eval/predictions.h5", vmb::io::H5File::Mode::kRead);
  EXPECT_EQ(p.dims("/prediction"), (std::vector<hsize_t>{3, 24, 32}));

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
  r = vmb::test::run(kTrain + " --train " + (dir / "full") + " --run " + (dir / "run5") +
                     " --epochs 1 --batch-size 3 --width 4 --time-factor 5 --time-offset 2 --device cpu --quiet");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  r = vmb::test::run(kPredict + " --checkpoint " + (dir / "run5/checkpoint.pt") + " --gathers " +
                     (dir / "g.h5") + " --out " + (dir / "pred.h5") + " --png " + (dir / "pred.png"));
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
                   " --out " + (dir / "e"), "does not exist");
  expect_error(kTrain + " --train " + (dir / "nothing") + " --run " + (dir / "r"), "does not exist");
  fs::create_directories(dir / "empty");
  expect_error(kTrain + " --train " + (dir / "empty") + " --run " + (dir / "r"), "holds no dataset (no index.json)");
  expect_error(kTrain + " --train " + (dir / "train") + " --run " + (dir / "r") + " --device tpu",
               "device 'tpu'");
  expect_error(kTrain + " --run " + (dir / "r"), "--train is required");
  expect_error(kTrain + " --train " + (dir / "train") + " --run " + (dir / "r") + " --resume",
               "checkpoint");
}
